import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Duplex } from 'node:stream';
import type { Logger, Module } from '@kedge/core';
import type { CloudPKI } from '../certserver/index.js';
import type { CertServer } from '../certserver/index.js';
import type { CloudHubServer } from '../cloudhub/index.js';
import { listen } from '../server/listen.js';
import { untilAborted } from '@kedge/core';

// kubeedge-reference.md §3: CloudHub accepts only ECDHE-ECDSA suites (P-256 keys) and TLS ≥ 1.2.
export const CLOUDHUB_CIPHERS = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305';

type ServingPKI = Pick<CloudPKI, 'caCertPem' | 'serverCertPem' | 'serverKeyPem'>;

/**
 * Client certificates are requested but not enforced by TLS: CloudHub answers a missing or foreign one
 * with an HTTP status naming the cause, and the certificate server also serves token holders without one.
 */
function tlsServer(pki: ServingPKI, maxVersion?: 'TLSv1.2'): Server {
  return createServer({
    key: pki.serverKeyPem, cert: pki.serverCertPem, ca: pki.caCertPem,
    requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2', ciphers: CLOUDHUB_CIPHERS,
    ...(maxVersion ? { maxVersion } : {}),
  });
}

/**
 * CloudHub negotiates TLS 1.2 at most: the ECDHE-ECDSA suite list above only binds TLS 1.2, and a TLS 1.3
 * connection costs ≈ 10 KB more native memory per idle socket in Node 20 (measured: 51 → 40 KB per
 * connection), which at thousands of long-lived edge links is most of the per-node budget.
 */
const CLOUDHUB_MAX_TLS = 'TLSv1.2';

/** A TLS 1.2 listener that only upgrades to WebSocket: plain requests get 426 naming `what`. */
function websocketServer(pki: ServingPKI, onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void, what: string, module: string, log: Logger): Server {
  const server = tlsServer(pki, CLOUDHUB_MAX_TLS);
  server.on('upgrade', onUpgrade);
  server.on('request', (_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
    res.end(`${what} speaks websocket only\n`);
  });
  server.on('tlsClientError', (err) => log.debug({ module, err: err.message }, 'tls handshake failed'));
  return server;
}

export function cloudHubServer(pki: ServingPKI, hub: Pick<CloudHubServer, 'handleUpgrade'>, log: Logger): Server {
  return websocketServer(pki, (req, socket, head) => hub.handleUpgrade(req, socket, head), 'cloudhub', 'cloudhub', log);
}

/** The edge stream tunnel (issue 4): same PKI and client-certificate check as CloudHub, WebSocket only. */
export function streamTunnelServer(pki: ServingPKI, onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void, log: Logger): Server {
  return websocketServer(pki, onUpgrade, 'the stream tunnel', 'cloudstream', log);
}

export function certHttpsServer(pki: ServingPKI, certs: CertServer, log: Logger): Server {
  const server = tlsServer(pki);
  server.on('request', certs.handleRequest);
  server.on('tlsClientError', (err) => log.debug({ module: 'certserver', err: err.message }, 'tls handshake failed'));
  return server;
}

export interface Bound {
  server: Server;
  port: number;
}

/** Listens on bind:port; a taken port is a one-line UserError naming `portFlag`. */
export async function bind(server: Server, host: string, port: number, portFlag: string, bindField: string): Promise<Bound> {
  return { server, port: await listen(server, port, host, { port: portFlag, bind: bindField }) };
}

/**
 * Closes the listeners when CloudCore stops. `beforeClose` ends upgraded connections the HTTP server does not
 * track (the stream tunnels): net.Server.close() waits for every socket, so one left open would hang shutdown.
 */
export function listenersModule(servers: Server[], beforeClose: () => void = () => {}): Module {
  return {
    name: 'cloudcore-listeners',
    async start(signal) {
      await untilAborted(signal);
      beforeClose();
      await closeAll(servers);
    },
  };
}

export async function closeAll(servers: Server[]): Promise<void> {
  await Promise.all(servers.map((s) => {
    s.closeAllConnections();
    return s.listening ? new Promise<void>((r) => s.close(() => r())) : Promise.resolve();
  }));
}
