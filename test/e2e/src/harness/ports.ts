import { createServer, type AddressInfo } from 'node:net';

/**
 * Reserves `n` distinct free loopback ports by binding and releasing them. Used where a process must
 * come back on the same ports after a restart (CloudHub behind a fault proxy, the certificate server).
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
