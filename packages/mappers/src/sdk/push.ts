import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '@kedge/core';
import type { PropertySpec, PropertyValue } from './driver.js';

/**
 * Device.spec.properties[].pushMethod: each collected value also goes straight to the user's sink, as
 * `{value, timestamp}` JSON. mqtt publishes to `topic` with `qos`/`retained`; http POSTs to
 * `hostName:port/requestPath`. Database and OTEL methods are not implemented (logged once).
 */
export class Pusher {
  private readonly clients = new Map<string, MqttClient>();
  private readonly warned = new Set<string>();

  constructor(private readonly log: Logger) {}

  async push(device: string, p: PropertySpec, value: PropertyValue, timestamp: number): Promise<void> {
    const pm = p.pushMethod as Record<string, any> | undefined;
    if (!pm) return;
    const body = JSON.stringify({ value: String(value), timestamp });
    try {
      if (pm.mqtt?.address && pm.mqtt?.topic) {
        const c = this.client(String(pm.mqtt.address));
        await c.publishAsync(String(pm.mqtt.topic), body, { qos: ([0, 1, 2].includes(pm.mqtt.qos) ? pm.mqtt.qos : 0) as 0 | 1 | 2, retain: pm.mqtt.retained === true });
      } else if (pm.http?.hostName) {
        const host = String(pm.http.hostName);
        const base = /^https?:\/\//.test(host) ? host : `http://${host}`;
        const path = String(pm.http.requestPath ?? '/');
        const url = `${base}${pm.http.port ? `:${pm.http.port}` : ''}${path.startsWith('/') ? path : `/${path}`}`;
        const timeout = Number(pm.http.timeout) > 0 ? Number(pm.http.timeout) : 5000;
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeout) });
        await res.body?.cancel();
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
      } else if (!this.warned.has(`${device}/${p.name}`)) {
        this.warned.add(`${device}/${p.name}`);
        this.log.warn({ device, property: p.name, pushMethod: Object.keys(pm) }, 'push method not supported by kedge mappers (mqtt and http are); skipped');
      }
    } catch (err) {
      this.log.debug({ device, property: p.name, err: (err as Error).message }, 'push failed');
    }
  }

  private client(address: string): MqttClient {
    let c = this.clients.get(address);
    if (!c) {
      c = mqtt.connect(address, { reconnectPeriod: 1000, connectTimeout: 5000 });
      c.on('error', (err) => this.log.debug({ address, err: err.message }, 'push broker error'));
      this.clients.set(address, c);
    }
    return c;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.endAsync(true).catch(() => undefined)));
    this.clients.clear();
  }
}
