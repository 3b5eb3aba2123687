import { createServer, type AddressInfo, type Server } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { Aedes } from 'aedes';
import mqttPacket from 'mqtt-packet';
import type { Logger } from '@kedge/core';

/**
 * The embedded MQTT broker (aedes) that makes a fresh node work without installing one (issue 5;
 * KubeEdge users hit "1883 connection refused", #5446). With a username set, every client must present
 * it and the password.
 */

export interface BrokerOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  log: Logger;
}

export interface EmbeddedBroker {
  address: AddressInfo;
  /**
   * Delivers every message on `topics` (MQTT filters) to `onMessage` inside the process, as a QoS 1
   * subscriber would get it; resolves once all are registered. EdgeCore's own use of its broker.
   */
  subscribe(topics: readonly string[], onMessage: (topic: string, payload: Buffer) => void): Promise<void>;
  /** Publishes as a client would (QoS 1, not retained): subscribers get it at their QoS, up to 1. */
  publish(topic: string, body: string): Promise<void>;
  close(): Promise<void>;
}

/** A taken or forbidden port, with the config key and flag that change it. */
export class BrokerListenError extends Error {
  /** The CLI prints the message alone (an operator problem, not a bug). */
  readonly isUserError = true;
  constructor(readonly code: string, host: string, port: number, cause: unknown) {
    super(`eventbus cannot listen on ${host}:${port} (${code}); choose another port with eventBus.port in the edge config, or set eventBus.mode: external to use the broker already there`, { cause });
  }
}

const same = (a: string, b: Buffer | undefined): boolean => {
  const x = Buffer.from(a);
  return b !== undefined && x.length === b.length && timingSafeEqual(x, b);
};

/*
 * mqtt-packet (aedes' and mqtt.js' one shared copy) by default builds, on its first write, a cache of 65,536
 * two-byte Buffers, one per uint16 (message ids, lengths): ~7 MB of an idle EdgeCore's 30 MB heap, kept for
 * the life of the process (docs/benchmarks.md "Edge", round 3). Without it each number is written into a new
 * 2-byte Buffer, nothing an edge's message rate notices. Set before the first packet is written.
 */
mqttPacket.writeToStream.cacheNumbers = false;

export async function startBroker(opts: BrokerOptions): Promise<EmbeddedBroker> {
  const log = opts.log.child({ module: 'eventbus-broker' });
  const user = opts.username ?? '';
  const broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      if (!user) return done(null, true);
      const ok = username === user && same(opts.password ?? '', password);
      if (!ok) {
        log.warn({ client: client?.id, username }, 'mqtt client refused: bad username or password');
        const err = Object.assign(new Error('bad username or password'), { returnCode: 4 });
        return done(err as Parameters<typeof done>[0], null);
      }
      done(null, true);
    },
  });
  const server: Server = createServer(broker.handle);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await new Promise<void>((r) => broker.close(() => r()));
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new BrokerListenError(code, opts.host, opts.port, err);
  }
  server.on('error', (err) => log.error({ err }, 'broker socket error'));
  return {
    address: server.address() as AddressInfo,
    async subscribe(topics, onMessage) {
      const deliver = (packet: { topic: string; payload: Buffer | string }, done: () => void): void => {
        try {
          onMessage(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload));
        } finally {
          done();
        }
      };
      await Promise.all(topics.map((t) => new Promise<void>((r) => broker.subscribe(t, deliver, r))));
    },
    publish: (topic, body) =>
      new Promise<void>((resolve, reject) => {
        broker.publish({ cmd: 'publish', topic, payload: Buffer.from(body), qos: 1, retain: false, dup: false }, (err) => (err ? reject(err) : resolve()));
      }),
    async close() {
      await new Promise<void>((r) => broker.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
