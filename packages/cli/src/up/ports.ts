import { createServer } from 'node:net';
import { UserError } from '@kedge/cloud/server/index.js';

export interface PortClaim {
  port: number;
  /** What listens there, e.g. "API server". */
  what: string;
  /** The flag that moves it. */
  flag: string;
  host?: string;
}

function free(port: number, host: string): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(undefined)));
  });
}

/**
 * Checks every fixed port `kedge up` will listen on before anything starts, so a taken port is one clear
 * line naming the port, its user and the flag to change (issue 6) instead of a half-started cluster.
 * Port 0 (any free port) is always fine.
 */
export async function checkPorts(claims: PortClaim[]): Promise<void> {
  const problems: string[] = [];
  const seen = new Map<number, PortClaim>();
  for (const c of claims) {
    if (c.port === 0) continue;
    const dup = seen.get(c.port);
    if (dup) {
      problems.push(`port ${c.port} is given to both the ${dup.what} (${dup.flag}) and the ${c.what} (${c.flag})`);
      continue;
    }
    seen.set(c.port, c);
    const err = await free(c.port, c.host ?? '127.0.0.1');
    if (err?.code === 'EADDRINUSE') problems.push(`port ${c.port} (${c.what}) is already in use; choose another with ${c.flag} ${c.port + 1}`);
    else if (err?.code === 'EACCES') problems.push(`no permission to listen on port ${c.port} (${c.what}); choose a port above 1023 with ${c.flag}`);
    else if (err) problems.push(`cannot listen on port ${c.port} (${c.what}): ${err.message}`);
  }
  if (problems.length) throw new UserError(problems.join('\n'));
}
