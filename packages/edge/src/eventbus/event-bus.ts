import mqtt, { type MqttClient } from 'mqtt';
import type { Logger, Module } from '@kedge/core';
import { SUBSCRIBED_TOPICS } from '../devicetwin/topics.js';
import { BrokerListenError, startBroker, type EmbeddedBroker } from './broker.js';

/**
 * The EventBus (KubeEdge's eventbus module): EdgeCore's MQTT client on the embedded broker, an external
 * one (e.g. Debian's mosquitto), or both. It subscribes to KubeEdge's topics at QoS 1, hands what
 * arrives to DeviceTwin, and publishes what DeviceTwin answers (QoS 1, not retained) on every bus.
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

const loopbackFor = (host: string): string => (host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host);
const urlFor = (host: string, port: number): string => `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`;

export function createEventBus(opts: EventBusOptions): EventBus {
  const log = opts.log.child({ module: 'eventbus' });
  const clients: MqttClient[] = [];

  function connect(url: string, label: string): MqttClient {
    const client = mqtt.connect(url, {
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
    clients.push(client);
    return client;
  }

  return {
    name: 'eventbus',
    connected: () => clients.filter((c) => c.connected).length,
    async start(signal) {
      let broker: EmbeddedBroker | undefined;
      if (opts.mode !== 'external') {
        try {
          broker = await startBroker({ host: opts.bind, port: opts.port, username: opts.username, password: opts.password, log });
        } catch (err) {
          if (!(err instanceof BrokerListenError) || !opts.onListenError) throw err;
          log.error({ reason: err.message }, 'embedded mqtt broker not started');
          opts.onListenError(err);
        }
        if (broker) {
          connect(urlFor(loopbackFor(broker.address.address), broker.address.port), 'internal');
          opts.onListening?.(urlFor(broker.address.address, broker.address.port));
        }
      }
      if (opts.mode !== 'internal') {
        connect(opts.externalUrl, 'external');
        if (opts.mode === 'external') opts.onListening?.(opts.externalUrl);
      }
      const unsubscribe = opts.target.onPublish((topic, payload) => {
        const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
        for (const c of clients) {
          c.publish(topic, body, { qos: 1, retain: false }, (err) => {
            if (err) log.warn({ topic, reason: err.message }, 'eventbus publish failed');
          });
        }
      });
      try {
        await new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          else signal.addEventListener('abort', () => resolve(), { once: true });
        });
      } finally {
        unsubscribe();
        await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
        clients.length = 0;
        await broker?.close();
      }
    },
  };
}
