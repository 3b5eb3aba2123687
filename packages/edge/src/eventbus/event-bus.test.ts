import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { silentLogger } from '@kedge/core';
import { deviceObj, twinRig, type TwinRig } from '../devicetwin/test-fixtures.js';
import { createEventBus, type EventBusOptions } from './event-bus.js';
import { startBroker } from './broker.js';

const T = '$hw/events/device/default/t1/';
type Payload = Record<string, unknown>;

/** A raw MQTT client (a mapper or an app) with a wait-for-next-message-on-topic helper. */
class Peer {
  private readonly seen: Array<{ topic: string; payload: Payload | string }> = [];
  private waiters: Array<() => void> = [];
  constructor(readonly client: MqttClient) {
    client.on('message', (topic, buf) => {
      let payload: Payload | string = buf.toString();
      try {
        payload = JSON.parse(buf.toString()) as Payload;
      } catch {
        // keep the string
      }
      this.seen.push({ topic, payload });
      for (const w of this.waiters.splice(0)) w();
    });
  }
  static async connect(url: string, opts: mqtt.IClientOptions = {}): Promise<Peer> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, ...opts }, false);
    const p = new Peer(client);
    await client.subscribeAsync(['$hw/events/device/#', '$hw/events/node/#'], { qos: 1 });
    return p;
  }
  /** The first message on `topic` after index `from` (default: messages not taken yet). */
  async next(topic: string, timeoutMs = 5000): Promise<Payload> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.seen.findIndex((m) => m.topic === topic);
      if (i >= 0) return this.seen.splice(i, 1)[0]?.payload as Payload;
      if (Date.now() > deadline) throw new Error(`no message on ${topic}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 100);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }
  async pub(topic: string, body: unknown): Promise<void> {
    await this.client.publishAsync(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 });
  }
}

async function runBus(rig: TwinRig, o: Partial<EventBusOptions>): Promise<{ url: string; connected: () => number; stop: () => Promise<void> }> {
  const ac = new AbortController();
  let resolveUrl!: (u: string) => void;
  const listening = new Promise<string>((r) => (resolveUrl = r));
  const bus = createEventBus({
    mode: 'internal', bind: '127.0.0.1', port: 0, externalUrl: '', username: '', password: '', target: rig.twin, log: silentLogger(),
    onListening: (u) => resolveUrl(u), ...o,
  });
  const running = bus.start(ac.signal);
  const url = await Promise.race([listening, running.then(() => { throw new Error('bus stopped'); })]);
  // An external link subscribes after connecting; wait until it is there (the embedded one is in-process).
  for (let i = 0; i < 100 && bus.connected() === 0; i++) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 100));
  return { url, connected: () => bus.connected(), stop: async () => { ac.abort(); await running; } };
}

describe('EventBus on the embedded broker', () => {
  let rig: TwinRig;
  let bus: Awaited<ReturnType<typeof runBus>>;
  let peer: Peer;
  before(async () => {
    rig = twinRig();
    rig.cloud('insert', deviceObj('t1', [['setpoint', '25'], ['temperature', undefined]]));
    bus = await runBus(rig, {});
    peer = await Peer.connect(bus.url);
  });
  after(async () => {
    await peer.client.endAsync();
    await bus.stop();
    rig.close();
    fs.rmSync(rig.dir, { recursive: true, force: true });
  });

  it('twin/update → result, document, delta, and the report upstream', async () => {
    await peer.pub(`${T}twin/update`, { event_id: 'e1', timestamp: 1, twin: { temperature: { actual: { value: '23.5', metadata: { timestamp: 1 } }, metadata: { type: 'Updated' } }, setpoint: { actual: { value: '20' } } } });
    const res = await peer.next(`${T}twin/update/result`);
    assert.equal(res.event_id, 'e1');
    assert.equal(res.code, undefined);
    assert.equal((res.twin as Record<string, { actual: { value: string } }>).temperature?.actual.value, '23.5');
    const doc = await peer.next(`${T}twin/update/document`);
    const d = (doc.twin as Record<string, { last: unknown; current: { actual: { value: string }; actual_version: unknown } }>).temperature;
    assert.equal(d?.last !== undefined && (d.last as { actual?: unknown } | null)?.actual, undefined);
    assert.equal(d?.current.actual.value, '23.5');
    assert.deepEqual(d?.current.actual_version, { cloud: 0, edge: 1 });
    const delta = await peer.next(`${T}twin/update/delta`);
    assert.deepEqual(delta.delta, { setpoint: '25' });
    const up = rig.link.sent.filter((m) => m.route.resource === 'device/default/t1/twin/edge_updated').at(-1);
    assert.equal(up?.route.group, 'twin');
    assert.deepEqual(Object.keys((up?.content as { twin: object }).twin).sort(), ['setpoint', 'temperature']);
  });

  it('twin/get → get/result with every twin; unknown device → 404', async () => {
    await peer.pub(`${T}twin/get`, { event_id: 'g1' });
    const res = await peer.next(`${T}twin/get/result`);
    assert.equal(res.event_id, 'g1');
    const tw = res.twin as Record<string, { expected?: { value: string }; expected_version: unknown }>;
    assert.equal(tw.setpoint?.expected?.value, '25');
    assert.deepEqual(tw.setpoint?.expected_version, { cloud: 1, edge: 0 });
    await peer.pub('$hw/events/device/default/ghost/twin/update', { event_id: 'g2', twin: { x: { actual: { value: '1' } } } });
    const nf = await peer.next('$hw/events/device/default/ghost/twin/update/result');
    assert.equal(nf.code, 404);
  });

  it('state/update (key State, any case) → result and the state upstream', async () => {
    await peer.pub(`${T}state/update`, { event_id: 's1', timestamp: 1, State: 'Online' });
    const res = await peer.next(`${T}state/update/result`);
    assert.equal(res.event_id, 's1');
    assert.equal((res.device as { state: string }).state, 'online');
    const up = rig.link.sent.filter((m) => m.route.resource === 'device/default/t1/state/update').at(-1);
    assert.equal((up?.content as { state: string }).state, 'online');
    assert.deepEqual((up?.content as { spool: unknown }).spool, { buffered: 0, bufferedBytes: 0, dropped: 0 });
  });

  it('malformed payloads get 400 and the bus keeps working', async () => {
    await peer.pub(`${T}twin/update`, '{not json');
    assert.equal((await peer.next(`${T}twin/update/result`)).code, 400);
    await peer.pub(`${T}twin/update`, { event_id: 'b1', twin: { temperature: { actual: { value: 42 } } } });
    const r1 = await peer.next(`${T}twin/update/result`);
    assert.equal(r1.code, 400);
    assert.match(String(r1.reason), /twin\.temperature\.actual\.value must be a string/);
    await peer.pub(`${T}twin/update`, { event_id: 'b2', twin: { ['k'.repeat(200)]: { actual: { value: '1' } } } });
    assert.equal((await peer.next(`${T}twin/update/result`)).code, 400);
    await peer.pub(`${T}twin/update`, { event_id: 'b3', twin: { temperature: { actual: { value: 'v'.repeat(600) } } } });
    assert.equal((await peer.next(`${T}twin/update/result`)).code, 400);
    await peer.pub(`${T}state/update`, '[]');
    assert.equal((await peer.next(`${T}state/update/result`)).code, 400);
    await peer.pub(`${T}twin/update`, { event_id: 'ok', twin: { temperature: { actual: { value: '24' } } } });
    const ok = await peer.next(`${T}twin/update/result`);
    assert.equal(ok.event_id, 'ok');
    assert.equal(ok.code, undefined);
  });

  it('membership/get → the devices of this node; telemetry goes upstream as user/upload', async () => {
    await peer.pub('$hw/events/node/edge1/membership/get', { event_id: 'm1' });
    const res = await peer.next('$hw/events/node/edge1/membership/get/result');
    assert.deepEqual((res.devices as Array<{ id: string }>).map((d) => d.id), ['default/t1']);
    await peer.pub('$hw/events/upload/line1', { temp: 1 });
    await peer.pub('SYS/dis/upload_records', 'plain text');
    for (let i = 0; i < 50 && rig.link.sent.filter((m) => m.route.operation === 'upload').length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    const ups = rig.link.sent.filter((m) => m.route.operation === 'upload');
    assert.deepEqual(ups.map((m) => [m.route.group, m.route.source, m.route.resource, m.content]), [
      ['user', 'bus', '$hw/events/upload/line1', { temp: 1 }],
      ['user', 'bus', 'SYS/dis/upload_records', 'plain text'],
    ]);
  });
});

describe('EventBus options', () => {
  it('with a username, the embedded broker refuses clients without it', async () => {
    const rig = twinRig();
    rig.cloud('insert', deviceObj('t1', [['temperature', undefined]]));
    const bus = await runBus(rig, { username: 'mapper', password: 's3cret' });
    try {
      await assert.rejects(mqtt.connectAsync(bus.url, { reconnectPeriod: 0 }, false));
      await assert.rejects(mqtt.connectAsync(bus.url, { reconnectPeriod: 0, username: 'mapper', password: 'wrong' }, false));
      const peer = await Peer.connect(bus.url, { username: 'mapper', password: 's3cret' });
      await peer.pub(`${T}twin/get`, { event_id: 'a' });
      assert.equal((await peer.next(`${T}twin/get/result`)).event_id, 'a');
      await peer.client.endAsync();
    } finally {
      await bus.stop();
      rig.close();
      fs.rmSync(rig.dir, { recursive: true, force: true });
    }
  });

  it('a taken port is one line naming the port and eventBus.port (fatal, or reported with onListenError)', async () => {
    const first = await startBroker({ host: '127.0.0.1', port: 0, log: silentLogger() });
    try {
      const rig = twinRig();
      const bus = createEventBus({ mode: 'internal', bind: '127.0.0.1', port: first.address.port, externalUrl: '', username: '', password: '', target: rig.twin, log: silentLogger() });
      await assert.rejects(bus.start(new AbortController().signal), (err: Error) => {
        assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${first.address.port} \\(EADDRINUSE\\).*eventBus\\.port`));
        assert.ok(!err.message.includes('\n'));
        return true;
      });
      const lines: string[] = [];
      const ac = new AbortController();
      const soft = createEventBus({
        mode: 'internal', bind: '127.0.0.1', port: first.address.port, externalUrl: '', username: '', password: '', target: rig.twin, log: silentLogger(),
        onListenError: (err) => lines.push(err.message),
      });
      const running = soft.start(ac.signal);
      for (let i = 0; i < 100 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.match(lines[0] ?? '', /EADDRINUSE/);
      ac.abort();
      await running;
      rig.close();
      fs.rmSync(rig.dir, { recursive: true, force: true });
    } finally {
      await first.close();
    }
  });

  it('external mosquitto with authentication; mode both answers on both buses', async (t) => {
    const have = (bin: string) => spawnSync(bin, ['--help']).error === undefined;
    if (!have('mosquitto') || !have('mosquitto_passwd')) return t.skip('mosquitto / mosquitto_passwd not installed (Debian package mosquitto)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kedge-mosq-'));
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const pw = path.join(dir, 'passwd');
    assert.equal(spawnSync('mosquitto_passwd', ['-b', '-c', pw, 'mapper', 's3cret']).status, 0);
    fs.writeFileSync(path.join(dir, 'mosquitto.conf'), [`listener ${port} 127.0.0.1`, 'allow_anonymous false', `password_file ${pw}`, `user ${os.userInfo().username}`, 'persistence false', ''].join('\n'));
    const proc: ChildProcess = spawn('mosquitto', ['-c', path.join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
    const rig = twinRig();
    rig.cloud('insert', deviceObj('t1', [['setpoint', '25']]));
    let bus: Awaited<ReturnType<typeof runBus>> | undefined;
    try {
      const url = `mqtt://127.0.0.1:${port}`;
      let peer: Peer | undefined;
      for (let i = 0; i < 50 && !peer; i++) {
        peer = await Peer.connect(url, { username: 'mapper', password: 's3cret' }).catch(async () => {
          await new Promise((r) => setTimeout(r, 100));
          return undefined;
        });
      }
      assert.ok(peer, 'mosquitto came up');
      await assert.rejects(mqtt.connectAsync(url, { reconnectPeriod: 0 }, false), 'anonymous refused');
      bus = await runBus(rig, { mode: 'external', externalUrl: url, username: 'mapper', password: 's3cret' });
      assert.equal(bus.url, url);
      await peer.pub(`${T}twin/update`, { event_id: 'x1', twin: { setpoint: { actual: { value: '20' } } } });
      assert.equal((await peer.next(`${T}twin/update/result`)).event_id, 'x1');
      assert.deepEqual((await peer.next(`${T}twin/update/delta`)).delta, { setpoint: '25' });
      await bus.stop();
      // mode both: a request on mosquitto is answered on mosquitto and on the embedded broker (in-process link).
      bus = await runBus(rig, { mode: 'both', externalUrl: url, username: 'mapper', password: 's3cret' });
      for (let i = 0; i < 100 && bus.connected() < 2; i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      const local = await Peer.connect(bus.url, { username: 'mapper', password: 's3cret' });
      await peer.pub(`${T}twin/update`, { event_id: 'b1', twin: { setpoint: { actual: { value: '21' } } } });
      assert.equal((await peer.next(`${T}twin/update/result`)).event_id, 'b1');
      assert.equal((await local.next(`${T}twin/update/result`)).event_id, 'b1');
      await local.client.endAsync();
      await peer.client.endAsync();
    } finally {
      await bus?.stop();
      rig.close();
      fs.rmSync(rig.dir, { recursive: true, force: true });
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
