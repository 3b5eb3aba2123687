import { InvalidArgumentError } from 'commander';

/** A `--*-port` flag value: 0 (any free port) to 65535. Own module so the edge commands need no cloud code. */
export function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
}
