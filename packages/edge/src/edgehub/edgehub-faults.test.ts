import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newMessage, Op, type Message } from '@kedge/api';
import { silentLogger } from '@kedge/core';
import { startFaultProxy, type FaultProxy } from '@kedge/core/testing/fault-proxy.js';
import { createEdgeHub, type EdgeHub, type EdgeHubOptions } from './edgehub.js';
import { waitFor } from '@kedge/core/testing/harness.js';
import { createTestPki, startTestCloudHub, type TestCloudHub, type TestPki } from './test-helpers.js';

describe('edgehub under network faults', () => {
  let pki: TestPki;
  let cloud: TestCloudHub;
  let proxy: FaultProxy;
  const running: { ac: AbortController; done: Promise<void> }[] = [];

  before(async () => {
    pki = await createTestPki('edge-1');
    cloud = await startTestCloudHub(pki);
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: cloud.port } });
  });
  afterEach(async () => {
    for (const r of running.splice(0)) {
      r.ac.abort();
      await r.done;
    }
    proxy.resume();
    proxy.unblock();
    cloud.autoPong = true;
    cloud.conns.length = 0;
  });
  after(async () => {
    await proxy.close();
    await cloud.close();
  });

  function startHub(o: Partial<EdgeHubOptions> = {}): { hub: EdgeHub; events: string[]; got: Message[] } {
    const hub = createEdgeHub({
      server: `127.0.0.1:${proxy.port}`, nodeName: 'edge-1', tls: { caPem: pki.caPem, ...pki.client },
      heartbeatMs: 100, pingTimeoutMs: 150, backoff: { initialMs: 30, maxMs: 200 }, handshakeTimeoutMs: 1000,
      log: silentLogger(), ...o,
    });
    const events: string[] = [];
    const got: Message[] = [];
    hub.onConnection((e) => events.push(e));
    hub.onMessage((m) => got.push(m));
    const ac = new AbortController();
    running.push({ ac, done: hub.start(ac.signal) });
    return { hub, events, got };
  }

  const connected = (hub: EdgeHub, n: number, what: string) =>
    waitFor(() => hub.isConnected() && cloud.conns.length === n && cloud.conns[n - 1]!.ws.readyState === 1, what, 5000);

  it('reconnects after cut() and delivers again', async () => {
    const { hub, events, got } = startHub();
    await connected(hub, 1, 'first connect');
    proxy.cut();
    await connected(hub, 2, 'reconnect after cut');
    assert.deepEqual(events, ['connected', 'disconnected', 'connected']);
    cloud.latest()!.send(newMessage({ operation: Op.insert, resource: 'default/pod/after-cut' }));
    await waitFor(() => got.some((m) => m.route.resource === 'default/pod/after-cut'), 'delivery after reconnect', 2000);
  });

  it('keeps retrying with backoff while the cloud refuses connections, then connects', async () => {
    const delays: number[] = [];
    const { hub } = startHub({ backoff: { initialMs: 40, maxMs: 160, jitter: 0, random: () => 0 } });
    await connected(hub, 1, 'first connect');
    proxy.block();
    proxy.cut();
    const t0 = Date.now();
    await waitFor(() => hub.stats().dialFailures >= 3, 'three failed dials', 5000);
    delays.push(Date.now() - t0);
    // 40 + 80 + 160 ms of backoff (after the first reconnect delay) before the 3rd failure: not a tight loop.
    assert.ok(delays[0]! >= 150, `failed dials came too fast (${delays[0]} ms)`);
    assert.equal(hub.isConnected(), false);
    proxy.unblock();
    await connected(hub, 2, 'connect once unblocked');
  });

  it('resets the backoff once a connection has stayed up', async () => {
    const { hub } = startHub({ heartbeatMs: 10_000, backoff: { initialMs: 40, maxMs: 5000, jitter: 0, resetAfterMs: 150 } });
    await connected(hub, 1, 'first connect');
    proxy.block();
    proxy.cut();
    // 40, 80, 160, 320 ms: the next delay would be 640, then 1280 ms without a reset.
    await waitFor(() => hub.stats().dialFailures >= 4, 'four failed dials', 5000);
    proxy.unblock();
    await connected(hub, 2, 'connect once unblocked');
    await new Promise((r) => setTimeout(r, 250));
    const t0 = Date.now();
    proxy.cut();
    await connected(hub, 3, 'quick reconnect');
    const ms = Date.now() - t0;
    assert.ok(ms < 600, `reconnect after a stable link took ${ms} ms (backoff not reset)`);
  });

  it('detects a stalled network with WebSocket pings and recovers after resume()', async () => {
    const { hub, events } = startHub();
    await connected(hub, 1, 'first connect');
    proxy.stall();
    const t0 = Date.now();
    await waitFor(() => events.includes('disconnected'), 'dead link detected', 3000);
    const detectMs = Date.now() - t0;
    assert.ok(detectMs < 1000, `detection took ${detectMs} ms`);
    proxy.resume();
    await connected(hub, 2, 'reconnect after stall');
  });

  it('drops a peer that never answers pings even though the TCP link is up', async () => {
    cloud.autoPong = false;
    const { hub } = startHub();
    await connected(hub, 1, 'first connect');
    await waitFor(() => hub.stats().disconnects >= 1, 'ping timeout', 3000);
    cloud.autoPong = true;
    await connected(hub, 2, 'reconnect');
  });

  it('recovers from a frame torn mid-way (dropMidFrame)', async () => {
    const { hub, got } = startHub({ heartbeatMs: 10_000 });
    await connected(hub, 1, 'first connect');
    proxy.dropMidFrame();
    cloud.latest()!.send(newMessage({ operation: Op.insert, resource: 'default/pod/torn', content: { pad: 'x'.repeat(2000) } }));
    await connected(hub, 2, 'reconnect after torn frame');
    assert.ok(!got.some((m) => m.route.resource === 'default/pod/torn'), 'a torn frame is never delivered');
    cloud.latest()!.send(newMessage({ operation: Op.insert, resource: 'default/pod/whole' }));
    await waitFor(() => got.some((m) => m.route.resource === 'default/pod/whole'), 'delivery after reconnect', 2000);
  });

  it('keeps working over a slow link (setDelay)', async () => {
    proxy.setDelay(30);
    try {
      const { hub } = startHub({ heartbeatMs: 200, pingTimeoutMs: 500 });
      await connected(hub, 1, 'connect through a slow link');
      const c = cloud.latest()!;
      c.ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as Message;
        if (m.route.operation === Op.query) c.send({ header: { msg_id: 'r', parent_msg_id: m.header.msg_id, timestamp: Date.now() }, route: { operation: Op.response, resource: m.route.resource! }, content: 'ok' });
      });
      const t0 = Date.now();
      const reply = await hub.request(newMessage({ source: 'edged', group: 'meta', operation: Op.query, resource: 'default/secret/s' }), 2000);
      assert.equal(reply.content, 'ok');
      assert.ok(Date.now() - t0 >= 55, 'round trip includes the injected delay');
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(hub.stats().disconnects, 0, 'latency below the ping timeout is not a dead link');
    } finally {
      proxy.setDelay(0);
    }
  });
});
