// Test-only helpers for the EdgeHub tests: a throwaway P-256 PKI and a minimal mutual-TLS WebSocket
// server standing in for CloudHub. The edge must not import @kedge/cloud, hence the small copy here.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeMessage, encodeMessage, type Message } from '@kedge/api';
import { webcrypto, x509 } from '../bootstrap/x509.js';

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface TestPki {
  caPem: string;
  server: { certPem: string; keyPem: string };
  client: { certPem: string; keyPem: string };
}

async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key)).toString('base64');
  return `-----BEGIN PRIVATE KEY-----\n${der.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

export async function createTestPki(nodeName = 'edge-1'): Promise<TestPki> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 86_400_000);
  const caKeys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01', name: 'CN=test-ca', notBefore, notAfter, signingAlgorithm: alg, keys: caKeys,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const leaf = async (serial: string, cn: string, server: boolean) => {
    const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial, subject: cn, issuer: ca.subject, notBefore, notAfter, signingAlgorithm: alg,
      publicKey: keys.publicKey, signingKey: caKeys.privateKey,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([server ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
        ...(server ? [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])] : []),
      ],
    });
    return { certPem: cert.toString('pem') + '\n', keyPem: await keyPem(keys.privateKey) };
  };
  return {
    caPem: ca.toString('pem') + '\n',
    server: await leaf('02', 'CN=cloudhub', true),
    client: await leaf('03', `CN=system:node:${nodeName}, O=system:nodes`, false),
  };
}

export interface TestConn {
  ws: WebSocket;
  url: string;
  headers: IncomingHttpHeaders;
  /** Client certificate CN, as the server saw it. */
  peerCN: string | undefined;
  received: { msg: Message; at: number }[];
  send(m: Message): void;
}

export interface TestCloudHub {
  port: number;
  conns: TestConn[];
  /** Every message from every connection, in arrival order. */
  received(): { msg: Message; at: number }[];
  latest(): TestConn | undefined;
  /** Whether the server answers WebSocket pings (off simulates a peer that never pongs). */
  autoPong: boolean;
  close(): Promise<void>;
}

export async function startTestCloudHub(pki: TestPki, port = 0): Promise<TestCloudHub> {
  const server = https.createServer({ ca: pki.caPem, cert: pki.server.certPem, key: pki.server.keyPem, requestCert: true, rejectUnauthorized: true });
  const wss = new WebSocketServer({ server, autoPong: false });
  const hub: TestCloudHub = {
    port: 0,
    conns: [],
    autoPong: true,
    received: () => hub.conns.flatMap((c) => c.received).sort((a, b) => a.at - b.at),
    latest: () => hub.conns[hub.conns.length - 1],
    close: async () => {
      for (const c of hub.conns) c.ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  wss.on('connection', (ws, req) => {
    const sock = req.socket as import('node:tls').TLSSocket;
    const cn = sock.getPeerCertificate().subject?.CN;
    const conn: TestConn = {
      ws, url: req.url ?? '', headers: req.headers, peerCN: Array.isArray(cn) ? cn[0] : cn, received: [],
      send: (m) => ws.send(encodeMessage(m)),
    };
    hub.conns.push(conn);
    ws.on('error', () => {});
    ws.on('ping', (data) => { if (hub.autoPong) ws.pong(data); });
    ws.on('message', (data) => conn.received.push({ msg: decodeMessage(data.toString()), at: Date.now() }));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  hub.port = (server.address() as AddressInfo).port;
  return hub;
}
