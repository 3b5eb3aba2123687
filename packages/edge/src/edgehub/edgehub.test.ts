import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError, newMessage, Op, type Message } from '@kedge/api';
import { pino } from 'pino';
import { silentLogger } from '@kedge/core';
import { createEdgeHub, type EdgeHub, type EdgeHubOptions } from './edgehub.js';
import { waitFor } from '@kedge/core/testing/harness.js';
import { createTestPki, startTestCloudHub, type TestCloudHub, type TestPki } from './test-helpers.js';

const reason = (e: unknown) => (isApiError(e) ? e.reason : String(e));

describe('edgehub', () => {
  let pki: TestPki;
  let cloud: TestCloudHub;
  const running: { ac: AbortController; done: Promise<void> }[] = [];

  before(async () => {
    pki = await createTestPki('edge-1');
    cloud = await startTestCloudHub(pki);
  });
  afterEach(async () => {
    for (const r of running.splice(0)) {
      r.ac.abort();
      await r.done;
    }
    cloud.conns.length = 0;
  });
  after(() => cloud.close());

  function startHub(o: Partial<EdgeHubOptions> = {}): { hub: EdgeHub; stop: () => Promise<void> } {
    const hub = createEdgeHub({
      server: `127.0.0.1:${cloud.port}`, nodeName: 'edge-1', tls: { caPem: pki.caPem, ...pki.client },
      heartbeatMs: 100, log: silentLogger(), ...o,
    });
    const ac = new AbortController();
    const r = { ac, done: hub.start(ac.signal) };
    running.push(r);
    return { hub, stop: async () => { ac.abort(); await r.done; } };
  }

  const query = (name: string): Message => newMessage({ source: 'edged', group: 'meta', operation: Op.query, resource: `default/configmap/${name}` });

  it('dials the KubeEdge URL with node_id/project_id headers and a client certificate', async () => {
    const { hub } = startHub();
    await waitFor(() => hub.isConnected() && cloud.conns.length === 1, 'connect', 3000);
    const c = cloud.latest()!;
    assert.equal(c.url, '/e632aba927ea4ac2b575ec1603d56f10/edge-1/events');
    assert.equal(c.headers['node_id'], 'edge-1');
    assert.equal(c.headers['project_id'], 'e632aba927ea4ac2b575ec1603d56f10');
    assert.equal(c.headers['connectionuse'], 'msg');
    assert.equal(c.peerCN, 'system:node:edge-1');
  });

  it('sends KubeEdge keepalives right after connecting and then every heartbeat', async () => {
    const t0 = Date.now();
    const { hub } = startHub({ heartbeatMs: 100, now: () => 1_717_000_000_000 });
    await waitFor(() => (cloud.latest()?.received.length ?? 0) >= 4, 'four keepalives', 3000);
    assert.ok(hub.isConnected());
    const got = cloud.latest()!.received;
    const first = got[0]!.msg;
    assert.deepEqual(Object.keys(first).sort(), ['content', 'header', 'route']);
    assert.deepEqual(Object.keys(first.header).sort(), ['msg_id', 'timestamp']);
    assert.equal(first.header.timestamp, 1_717_000_000_000);
    assert.deepEqual(first.route, { source: 'websocket', group: 'resource', resource: 'node', operation: 'keepalive' });
    assert.equal(first.content, 'ping');
    assert.ok(got[0]!.at - t0 < 1000, 'first keepalive comes with the connection');
    const gaps = got.slice(1, 4).map((g, i) => g.at - got[i]!.at);
    // The first gap is connect→first tick; later ones are the period.
    for (const g of gaps.slice(1)) assert.ok(g >= 70 && g <= 250, `keepalive gaps ${gaps.join(',')}`);
    assert.equal(new Set(got.map((g) => g.msg.header.msg_id)).size, got.length, 'fresh msg_id each time');
  });

  it('request() resolves with the reply whose parent_msg_id matches; other messages go to onMessage', async () => {
    const { hub } = startHub({ heartbeatMs: 10_000 });
    const other: Message[] = [];
    hub.onMessage((m) => other.push(m));
    await waitFor(() => hub.isConnected() && cloud.conns.length === 1, 'connect', 3000);
    const c = cloud.latest()!;
    c.ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as Message;
      if (m.route.operation !== Op.query) return;
      // An unrelated push first, then the reply: only the reply may settle the request.
      c.send(newMessage({ source: 'edgecontroller', group: 'resource', operation: Op.update, resource: 'default/pod/p1', content: { kind: 'Pod' } }));
      c.send({ header: { msg_id: 'r1', parent_msg_id: m.header.msg_id, timestamp: Date.now() }, route: { source: 'edgecontroller', group: 'resource', operation: Op.response, resource: m.route.resource! }, content: { data: { k: 'v' } } });
    });
    const q = query('cfg');
    const reply = await hub.request(q, 2000);
    assert.equal(reply.header.parent_msg_id, q.header.msg_id);
    assert.deepEqual(reply.content, { data: { k: 'v' } });
    await waitFor(() => other.length === 1, 'push delivered', 1000);
    assert.equal(other[0]!.route.resource, 'default/pod/p1');
    assert.equal(hub.stats().pendingRequests, 0);
  });

  it('request() times out with Timeout and rejects at once with ServiceUnavailable when offline', async () => {
    const offline = createEdgeHub({ server: '127.0.0.1:1', nodeName: 'edge-1', tls: { caPem: pki.caPem, ...pki.client }, log: silentLogger() });
    await assert.rejects(offline.request(query('x'), 5000), (e) => reason(e) === 'ServiceUnavailable');
    assert.equal(offline.send(query('x')), false);
    assert.equal(offline.isConnected(), false);

    const { hub } = startHub({ heartbeatMs: 10_000 });
    await waitFor(() => hub.isConnected(), 'connect', 3000);
    const t0 = Date.now();
    await assert.rejects(hub.request(query('never'), 150), (e) => reason(e) === 'Timeout');
    assert.ok(Date.now() - t0 >= 140);
    assert.equal(hub.stats().pendingRequests, 0);
  });

  it('pending requests are rejected when the link drops', async () => {
    const { hub } = startHub({ heartbeatMs: 10_000 });
    await waitFor(() => hub.isConnected() && cloud.conns.length === 1, 'connect', 3000);
    const p = hub.request(query('slow'), 5000);
    await waitFor(() => cloud.latest()!.received.some((r) => r.msg.route.operation === Op.query), 'query sent', 2000);
    cloud.latest()!.ws.terminate();
    await assert.rejects(p, (e) => reason(e) === 'ServiceUnavailable');
  });

  it('answers control messages (config/ping/pong) with "ack" and does not route them', async () => {
    const { hub } = startHub({ heartbeatMs: 10_000 });
    const routed: Message[] = [];
    hub.onMessage((m) => routed.push(m));
    await waitFor(() => hub.isConnected() && cloud.conns.length === 1, 'connect', 3000);
    const c = cloud.latest()!;
    const ping = newMessage({ source: 'cloudhub', group: 'hub', operation: 'ping', resource: 'node' });
    c.send(ping);
    await waitFor(() => c.received.some((r) => r.msg.header.parent_msg_id === ping.header.msg_id), 'ack', 2000);
    const ack = c.received.find((r) => r.msg.header.parent_msg_id === ping.header.msg_id)!.msg;
    assert.equal(ack.route.operation, 'response');
    assert.equal(ack.content, 'ack');
    assert.equal(routed.length, 0);
  });

  it('skips invalid frames and survives a throwing handler', async () => {
    const { hub } = startHub({ heartbeatMs: 10_000 });
    const seen: string[] = [];
    hub.onMessage((m) => {
      seen.push(m.route.resource!);
      if (m.route.resource === 'default/pod/boom') throw new Error('handler bug');
    });
    await waitFor(() => hub.isConnected() && cloud.conns.length === 1, 'connect', 3000);
    const c = cloud.latest()!;
    c.ws.send('this is not json');
    c.ws.send('{"header":{},"route":{}}');
    c.send(newMessage({ operation: Op.update, resource: 'default/pod/boom' }));
    c.send(newMessage({ operation: Op.update, resource: 'default/pod/fine' }));
    await waitFor(() => seen.length === 2, 'both valid messages', 2000);
    assert.deepEqual(seen, ['default/pod/boom', 'default/pod/fine']);
    assert.equal(hub.stats().invalidFrames, 2);
    assert.ok(hub.isConnected());
    assert.equal(cloud.conns.length, 1, 'no reconnect');
  });

  it('rate-limits upstream messages (qps/burst) while ACKs bypass the limiter', async () => {
    const { hub } = startHub({ heartbeatMs: 10_000, qps: 10, burst: 2 });
    await waitFor(() => hub.isConnected() && cloud.conns.length === 1, 'connect', 3000);
    const c = cloud.latest()!;
    await waitFor(() => c.received.length === 1, 'keepalive', 1000);
    const t0 = Date.now();
    for (let i = 0; i < 6; i++) assert.equal(hub.send(newMessage({ source: 'edged', group: 'meta', operation: Op.update, resource: `default/podstatus/p${i}` })), true);
    const ack = { header: { msg_id: 'ack-1', parent_msg_id: 'cloud-1', timestamp: Date.now() }, route: { source: 'edgecontroller', group: 'resource', operation: Op.response, resource: 'default/pod/x' }, content: 'OK' };
    hub.send(ack);
    await waitFor(() => c.received.length === 8, 'all upstream messages', 3000);
    const up = c.received.slice(1);
    const at = (res: string) => up.find((r) => r.msg.route.resource === res)!.at - t0;
    assert.ok(at('default/podstatus/p1') < 80, 'burst goes out at once');
    assert.ok(at('default/pod/x') < 80, 'ack is not held behind the queue');
    assert.ok(at('default/podstatus/p5') >= 330, `6th message held by the limiter (at ${at('default/podstatus/p5')} ms)`);
    assert.deepEqual(up.filter((r) => r.msg.route.operation === Op.update).map((r) => r.msg.route.resource), [0, 1, 2, 3, 4, 5].map((i) => `default/podstatus/p${i}`), 'order kept');
  });

  it('drops the oldest upstream messages beyond the queue bound', async () => {
    const { hub } = startHub({ heartbeatMs: 10_000, qps: 1, burst: 1, queueLimit: 3 });
    await waitFor(() => hub.isConnected() && cloud.conns.length === 1, 'connect', 3000);
    for (let i = 0; i < 8; i++) hub.send(newMessage({ operation: Op.update, resource: `default/podstatus/p${i}` }));
    // p0 takes the only token; p1..p7 queue behind a 3-slot bound → p1..p4 dropped.
    assert.equal(hub.stats().dropped, 4);
    assert.equal(hub.stats().queued, 3);
    await waitFor(() => cloud.latest()!.received.some((r) => r.msg.route.resource === 'default/podstatus/p5'), 'p5 after refill', 3000);
    assert.ok(!cloud.latest()!.received.some((r) => r.msg.route.resource === 'default/podstatus/p1'));
  });

  it('re-reads certificates on every dial and fires connection events', async () => {
    let reads = 0;
    const events: string[] = [];
    const { hub } = startHub({ tls: () => { reads++; return { caPem: pki.caPem, ...pki.client }; }, backoff: { initialMs: 20, maxMs: 40 } });
    hub.onConnection((e) => events.push(e));
    await waitFor(() => hub.isConnected() && cloud.conns.length === 1, 'connect', 3000);
    cloud.latest()!.ws.close(1001, 'going away');
    await waitFor(() => cloud.conns.length === 2 && hub.isConnected(), 'reconnect', 3000);
    assert.equal(reads, 2);
    assert.deepEqual(events, ['connected', 'disconnected', 'connected']);
    assert.equal(hub.stats().connects, 2);
  });

  it('logs its own shutdown without a warning (only a lost link is alarming)', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
    const { hub, stop } = startHub({ log });
    await waitFor(() => hub.isConnected(), 'connect', 3000);
    await stop();
    const bye = lines.find((l) => l.msg === 'disconnected from cloudhub');
    assert.equal(bye?.level, 30, 'info, not warn');
  });

  it('stops cleanly: closes with 1000 and leaves no timers behind', async () => {
    const { hub, stop } = startHub({ heartbeatMs: 50 });
    await waitFor(() => hub.isConnected() && cloud.conns.length === 1, 'connect', 3000);
    hub.send(newMessage({ operation: Op.update, resource: 'default/podstatus/x' }));
    const closed = new Promise<number>((r) => cloud.latest()!.ws.once('close', (code) => r(code)));
    await stop();
    assert.equal(await closed, 1000);
    assert.equal(hub.isConnected(), false);
    await new Promise((r) => setImmediate(r));
    const timers = process.getActiveResourcesInfo().filter((x) => x === 'Timeout');
    assert.deepEqual(timers, [], 'no timers left');
  });
});
