import { networkInterfaces } from 'node:os';

type Interfaces = ReturnType<typeof networkInterfaces>;

const WILDCARD = new Set(['0.0.0.0', '::', '']);

/**
 * Addresses edge nodes may dial, for the CloudHub certificate's SANs: the configured ones, or else the
 * bind addresses (unless wildcard), loopback and every non-internal IPv4 address of this host.
 */
export function advertiseAddresses(configured: readonly string[], binds: readonly string[], ifaces: Interfaces = networkInterfaces()): string[] {
  if (configured.length > 0) return [...new Set(configured)];
  const out = binds.filter((b) => !WILDCARD.has(b));
  out.push('127.0.0.1');
  for (const list of Object.values(ifaces)) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address);
  }
  return [...new Set(out)];
}
