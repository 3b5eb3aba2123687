import type { MqttClient } from 'mqtt';
import type { Logger, Module } from '@kedge/core';
import { SUBSCRIBED_TOPICS } from '../devicetwin/topics.js';
import { BrokerListenError, startBroker, type EmbeddedBroker } from './broker.js';
import { untilAborted } from '@kedge/core';

/**
 * The EventBus (KubeEdge's eventbus module): EdgeCore on the embedded broker, an external one (e.g.
 * Debian's mosquitto), or both. It subscribes to KubeEdge's topics at QoS 1, hands what arrives to
 * DeviceTwin, and publishes what DeviceTwin answers (QoS 1, not retained) on every bus. On the embedded
 * broker it subscribes and publishes in-process (aedes' own API); only an external broker needs an MQTT
 * client, so mqtt.js is loaded only then (~5 MB of an idle EdgeCore's RSS, docs/benchmarks.md "Edge").
 */

export interface BusTarget {
  handleBusMessage(topic: string, payload: Buffer): void;
  onPublish(cb: (topic: string, payload: unknown) => void): () => void;
}

export interface EventBusOptions {
  mode: 'internal' | 'external' | 'both';
  /** Embedded broker address. */
  bind: string;
  port: number;
  externalUrl: string;
  username: string;
  password: string;
  target: BusTarget;
  log: Logger;
  /** Called once the embedded broker listens (`mqtt://host:port`) or the external client is set up. */
  onListening?: (url: string) => void;
  /**
   * The embedded broker could not listen (port taken). Without this the module fails; with it the rest of
   * EdgeCore keeps running (pods, DMI, and the external bus in mode both) and the operator gets the line.
   */
  onListenError?: (err: BrokerListenError) => void;
}

export interface EventBus extends Module {
  /** Client connections that are up right now. */
  connected(): number;
}

const urlFor = (host: string, port: number): string => `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`;

/** One bus EdgeCore is on: the embedded broker in-process, or an MQTT client to an external broker. */
interface Link {
  connected(): boolean;
  publish(topic: string, body: string): Promise<void>;
  close(): Promise<void>;
}

export function createEventBus(opts: EventBusOptions): EventBus {
  const log = opts.log.child({ module: 'eventbus' });
  const links: Link[] = [];

  async function connect(url: string, label: string): Promise<Link> {
    const { default: mqtt } = await import('mqtt');
    const client: MqttClient = mqtt.connect(url, {
      clientId: `kedge-edgecore-${label}-${Date.now()}`,
      ...(opts.username ? { username: opts.username, password: opts.password } : {}),
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      clean: true,
    });
    client.on('connect', () => {
      log.info({ url, bus: label }, 'eventbus connected');
      client.subscribe([...SUBSCRIBED_TOPICS], { qos: 1 }, (err) => {
        if (err) log.error({ err, url }, 'eventbus subscribe failed');
      });
    });
    client.on('error', (err) => log.warn({ url, bus: label, reason: err.message }, 'eventbus client error'));
    client.on('message', (topic, payload) => opts.target.handleBusMessage(topic, payload));
    return {
      connected: () => client.connected,
      publish: async (topic, body) => {
        await client.publishAsync(topic, body, { qos: 1, retain: false });
      },
      close: () => client.endAsync(true).catch(() => undefined),
    };
  }

  async function attach(broker: EmbeddedBroker): Promise<Link> {
    await broker.subscribe(SUBSCRIBED_TOPICS, (topic, payload) => opts.target.handleBusMessage(topic, payload));
    log.info({ url: urlFor(broker.address.address, broker.address.port), bus: 'internal' }, 'eventbus connected');
    return { connected: () => true, publish: (topic, body) => broker.publish(topic, body), close: async () => undefined };
  }

  return {
    name: 'eventbus',
    connected: () => links.filter((l) => l.connected()).length,
    async start(signal) {
      let broker: EmbeddedBroker | undefined;
      const unsubscribe = opts.target.onPublish((topic, payload) => {
        const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
        for (const l of links) {
          l.publish(topic, body).catch((err: Error) => log.warn({ topic, reason: err.message }, 'eventbus publish failed'));
        }
      });
      try {
        if (opts.mode !== 'external') {
          try {
            broker = await startBroker({ host: opts.bind, port: opts.port, username: opts.username, password: opts.password, log });
          } catch (err) {
            if (!(err instanceof BrokerListenError) || !opts.onListenError) throw err;
            log.error({ reason: err.message }, 'embedded mqtt broker not started');
            opts.onListenError(err);
          }
          if (broker) {
            links.push(await attach(broker));
            opts.onListening?.(urlFor(broker.address.address, broker.address.port));
          }
        }
        if (opts.mode !== 'internal') {
          links.push(await connect(opts.externalUrl, 'external'));
          if (opts.mode === 'external') opts.onListening?.(opts.externalUrl);
        }
        await untilAborted(signal);
      } finally {
        unsubscribe();
        await Promise.all(links.map((l) => l.close()));
        links.length = 0;
        await broker?.close();
      }
    },
  };
}
