import type { Server } from 'node:net';
import { UserError } from './errors.js';

export interface ListenFlags {
  /** The flag that chooses this port, named in the error. Default --port. */
  port?: string;
  /** The flag (or config field) that chooses the address. Default --bind. */
  bind?: string;
}

/** Listens and resolves with the bound port; common bind failures become one-line UserErrors naming the flag to change. */
export function listen(server: Server, port: number, host: string, flags: ListenFlags = {}): Promise<number> {
  const portFlag = flags.port ?? '--port';
  const bindFlag = flags.bind ?? '--bind';
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new UserError(`port ${port} is already in use; choose another with ${portFlag}`, { cause: err }));
      else if (err.code === 'EADDRNOTAVAIL') reject(new UserError(`cannot bind ${host}: no such local address; choose another with ${bindFlag}`, { cause: err }));
      else if (err.code === 'EACCES') reject(new UserError(`no permission to listen on ${host}:${port}; use a port above 1023`, { cause: err }));
      else reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** The host clients should dial for a bind address: a wildcard bind is reached via loopback. */
export function dialHost(bind: string): string {
  return bind === '0.0.0.0' || bind === '' ? '127.0.0.1' : bind === '::' ? '::1' : bind;
}

/** `host` as it goes into a URL: IPv6 in brackets. */
export const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/** The URL clients should dial. */
export function serverUrl(bind: string, port: number): string {
  return `https://${urlHost(dialHost(bind))}:${port}`;
}
