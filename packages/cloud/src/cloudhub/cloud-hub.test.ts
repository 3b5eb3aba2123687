import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { silentLogger } from '@kedge/core';
import { createFakeKube } from '@kedge/core/testing/index.js';
import { newMessage, R, responseTo, type KubeObject, type Message } from '@kedge/api';
import { createCloudHub } from './cloud-hub.js';
import { createTestPki, dial, eventually, nextSecond, startHub, type Pki, type RunningHub } from './hub-harness.js';

let pki: Pki;
before(async () => {
  pki = await createTestPki();
});

const pod = (name: string, uid: string, rv: string): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid, resourceVersion: rv }, spec: {},
});
const podMsg = (node: string, p: KubeObject, operation = 'update'): Message =>
  newMessage({ source: 'edgecontroller', group: 'resource', operation, resource: `node/${node}/default/pod/${p.metadata.name}`, content: p, resourceVersion: p.metadata.resourceVersion });
const keepalive = () => newMessage({ source: 'websocket', group: 'resource', operation: 'keepalive', resource: 'node', content: 'ping' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('cloudhub connections', () => {
  let h: RunningHub;
  before(async () => {
    h = await startHub(pki, { keepaliveTimeoutMs: 400, maxFrameBytes: 64 * 1024 });
  });
  after(() => h.stop());

  test('a node with a matching certificate gets routed messages with trimmed resources', async () => {
    const events: string[] = [];
    h.hub.onConnection((node, ev) => events.push(`${node}:${ev}`));
    const c = await dial(pki, h.port, 'edge-a');
    assert.ok(h.hub.isConnected('edge-a'));
    h.hub.send('edge-a', newMessage({ source: 'edgecontroller', group: 'resource', operation: 'update', resource: 'node/edge-a/default/podlist', content: [] }));
    const m = await c.next();
    assert.equal(m.route.resource, 'default/podlist');
    assert.equal(h.hub.sessions().find((s) => s.node === 'edge-a')?.projectId, 'e632aba927ea4ac2b575ec1603d56f10');
    await c.close();
    await eventually(() => !h.hub.isConnected('edge-a'), 2000, 'disconnect');
    assert.deepEqual(events.filter((e) => e.startsWith('edge-a')), ['edge-a:connected', 'edge-a:disconnected']);
  });

  test('node-id/certificate mismatch and a missing client certificate are refused', async () => {
    await assert.rejects(dial(pki, h.port, 'edge-b', { certFor: 'edge-other' }), /status 403/);
    await assert.rejects(dial(pki, h.port, 'edge-b', { certFor: null }), /status 401/);
  });

  test('revoking a node closes its session and refuses its old certificate; one issued afterwards is accepted', async () => {
    const old = await pki.freshNode('edge-rv');
    const c = await dial(pki, h.port, 'edge-rv', { cert: old });
    const other = await dial(pki, h.port, 'edge-rv2');
    h.hub.revoke('edge-rv');
    assert.equal(await c.closed, 4003);
    assert.equal(h.hub.isConnected('edge-rv'), false);
    await assert.rejects(dial(pki, h.port, 'edge-rv', { cert: old }), /status 403/);
    assert.ok(h.hub.isConnected('edge-rv2'), 'other nodes are untouched');
    await nextSecond();
    const renewed = await dial(pki, h.port, 'edge-rv', { cert: await pki.freshNode('edge-rv') });
    assert.ok(h.hub.isConnected('edge-rv'));
    await assert.rejects(dial(pki, h.port, 'edge-rv', { cert: old }), /status 403/);
    await renewed.close();
    await other.close();
  });

  test('a second connection replaces the first', async () => {
    const c1 = await dial(pki, h.port, 'edge-c');
    const c2 = await dial(pki, h.port, 'edge-c');
    assert.equal(await c1.closed, 4000);
    assert.equal(h.hub.sessions().filter((s) => s.node === 'edge-c').length, 1);
    h.hub.send('edge-c', newMessage({ group: 'resource', operation: 'update', resource: 'node/edge-c/default/podlist', content: [] }));
    await c2.next();
    await c2.close();
  });

  test('a silent session is closed after the keepalive timeout; a chatty one stays', async () => {
    const silent = await dial(pki, h.port, 'edge-d');
    const chatty = await dial(pki, h.port, 'edge-e');
    const t = setInterval(() => chatty.send(keepalive()), 100);
    try {
      await Promise.race([silent.closed, sleep(2000).then(() => assert.fail('silent session not closed'))]);
      assert.ok(h.hub.isConnected('edge-e'));
      assert.equal(h.hub.isConnected('edge-d'), false);
    } finally {
      clearInterval(t);
      await chatty.close();
    }
  });

  test('garbage, invalid JSON, unknown operations and oversize frames close only that connection', async () => {
    const good = await dial(pki, h.port, 'edge-good');
    const ping = setInterval(() => good.send(keepalive()), 100);
    try {
      const bad: Array<[string, (c: Awaited<ReturnType<typeof dial>>) => void, number]> = [
        ['garbage', (c) => c.send('\u0000\u0001garbage'), 1007],
        ['invalid json', (c) => c.send('{"header":{"msg_id":'), 1007],
        ['not a message', (c) => c.send('{"header":{},"route":{}}'), 1007],
        ['binary', (c) => c.ws.send(Buffer.from([0xff, 0xfe, 0x00])), 1007],
        ['unknown op', (c) => c.send(newMessage({ group: 'resource', operation: 'explode', resource: 'x/y/z' })), 1008],
        ['oversize', (c) => c.send(JSON.stringify({ header: { msg_id: 'x', timestamp: 1 }, route: {}, content: 'a'.repeat(100 * 1024) })), 1009],
      ];
      for (const [what, act, code] of bad) {
        const c = await dial(pki, h.port, 'edge-bad');
        act(c);
        assert.equal(await Promise.race([c.closed, sleep(2000).then(() => -1)]), code, what);
      }
      assert.ok(h.hub.isConnected('edge-good'));
      h.hub.send('edge-good', newMessage({ group: 'resource', operation: 'update', resource: 'node/edge-good/default/podlist', content: [] }));
      assert.equal((await good.next()).route.resource, 'default/podlist');
    } finally {
      clearInterval(ping);
      await good.close();
    }
  });

  test('upstream messages are prefixed with the node and routed; control messages are answered', async () => {
    const got: Array<[string, Message]> = [];
    h.hub.onUpstream((node, m) => got.push([node, m]));
    const c = await dial(pki, h.port, 'edge-f');
    c.send(keepalive());
    const status = newMessage({ source: 'edged', group: 'meta', operation: 'update', resource: 'default/podstatus/nginx', content: { UID: 'u', Name: 'nginx' } });
    c.send(status);
    const [node, m] = await eventually(() => got.find(([, x]) => x.header.msg_id === status.header.msg_id), 2000, 'upstream');
    assert.equal(node, 'edge-f');
    assert.equal(m.route.resource, 'node/edge-f/default/podstatus/nginx');
    assert.equal(got.some(([, x]) => x.route.operation === 'keepalive'), false);
    const ping = newMessage({ group: 'resource', operation: 'ping', resource: 'node' });
    c.send(ping);
    const ack = await c.next((x) => x.header.parent_msg_id === ping.header.msg_id);
    assert.equal(ack.content, 'ack');
    await c.close();
  });

  test('upstream over the per-node rate waits instead of being dropped', async () => {
    const slow = await startHub(pki, { perNodeQps: 100, perNodeBurst: 5 });
    try {
      const got: string[] = [];
      slow.hub.onUpstream((_n, m) => got.push(m.header.msg_id));
      const c = await dial(pki, slow.port, 'edge-r');
      const sent = Array.from({ length: 30 }, (_, i) => newMessage({ source: 'edged', group: 'meta', operation: 'update', resource: `default/podstatus/p${i}` }));
      const t0 = Date.now();
      for (const m of sent) c.send(m);
      await eventually(() => got.length === 30, 3000, 'all 30 upstream');
      assert.deepEqual(got, sent.map((m) => m.header.msg_id));
      // 25 messages over the burst at 100/s take about 250 ms.
      assert.ok(Date.now() - t0 >= 180, `rate limit not applied (${Date.now() - t0} ms)`);
      await c.close();
    } finally {
      await slow.stop();
    }
  });
});

describe('cloudhub revocation across restarts', () => {
  test('a revocation survives a CloudCore restart: the next hub over the same API refuses the old certificate', async () => {
    const old = await pki.freshNode('edge-gone');
    const h1 = await startHub(pki);
    const kube = h1.kube;
    try {
      (await dial(pki, h1.port, 'edge-gone', { cert: old })).ws.terminate();
      h1.hub.revoke('edge-gone');
      await h1.revocations.flush();
    } finally {
      await h1.stop();
    }
    const cm = kube.peek(R.configmaps, 'kubeedge', 'revoked-nodes');
    assert.match(String(cm?.data?.['edge-gone']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

    await nextSecond();
    const fresh = await pki.freshNode('edge-gone');
    const h2 = await startHub(pki, {}, kube);
    try {
      await assert.rejects(dial(pki, h2.port, 'edge-gone', { cert: old }), /status 403/);
      const c = await dial(pki, h2.port, 'edge-gone', { cert: fresh });
      await c.close();
    } finally {
      await h2.stop();
    }
  });

  test('a hub without a loaded revocation list refuses connections with 503 until start loads it', async () => {
    const kube = createFakeKube();
    const hub = createCloudHub({ client: kube, log: silentLogger() });
    const refused: string[] = [];
    const sock = new PassThrough();
    sock.on('data', (b: Buffer) => refused.push(b.toString()));
    hub.handleUpgrade({ headers: { node_id: 'n' }, socket: sock } as never, sock, Buffer.alloc(0));
    await eventually(() => refused.join('').includes('503'), 1000, '503 before load');
    const ac = new AbortController();
    const done = hub.start(ac.signal);
    await eventually(() => kube.actions.some((a) => a.verb === 'get' && a.resource === 'configmaps' && a.name === 'revoked-nodes'), 2000, 'revocation list read');
    ac.abort();
    await done;
  });
});

describe('cloudhub reliable delivery', () => {
  test('resends until ACK, then records the RV in ObjectSync and ClusterObjectSync', async () => {
    const h = await startHub(pki, { ackTimeoutMs: 150, ackRetries: 4 });
    try {
      const c = await dial(pki, h.port, 'edge-1');
      const p = pod('nginx', 'uid-1', '42');
      const sent = podMsg('edge-1', p, 'insert');
      h.hub.send('edge-1', sent);
      const first = await c.next();
      assert.equal(first.route.resource, 'default/pod/nginx');
      const second = await c.next(undefined, 1000);
      assert.equal(second.header.msg_id, first.header.msg_id, 'resend keeps the msg id');
      assert.equal(h.hub.sessions()[0]?.inFlight, 1);
      c.send(responseTo(second, 'OK', 'edgecontroller'));
      const sync = await eventually(() => h.kube.peek(R.objectsyncs, 'default', 'edge-1.uid-1'), 2000, 'objectsync');
      assert.equal(sync.status?.objectResourceVersion, '42');
      assert.deepEqual(sync.spec, { objectAPIVersion: 'v1', objectKind: 'Pod', objectName: 'nginx' });
      assert.equal(h.hub.sessions()[0]?.inFlight, 0);

      const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'edge-1', uid: 'node-uid', resourceVersion: '7' } };
      h.hub.send('edge-1', newMessage({ source: 'edgecontroller', group: 'resource', operation: 'update', resource: 'node/edge-1/null/node/edge-1', content: node, resourceVersion: '7' }));
      const nm = await c.next();
      assert.equal(nm.route.resource, 'null/node/edge-1');
      c.send(responseTo(nm, 'OK'));
      const cs = await eventually(() => h.kube.peek(R.clusterobjectsyncs, undefined, 'edge-1.node-uid'), 2000, 'clusterobjectsync');
      assert.equal(cs.status?.objectResourceVersion, '7');
      // An update with the acknowledged RV is not sent again.
      h.hub.send('edge-1', podMsg('edge-1', p));
      await assert.rejects(c.next(undefined, 300));
      const st = h.hub.stats!();
      assert.equal(st.acks, 2, 'two acknowledged messages');
      assert.ok(st.resends >= 1, `at least the one resend seen (${st.resends})`);
      assert.equal(st.connects, 1);
      await c.close();
    } finally {
      await h.stop();
    }
  });

  test('changes made while disconnected: only the newest update per UID, deletes remove the ObjectSync', async () => {
    const h = await startHub(pki, { ackTimeoutMs: 500 });
    try {
      let c = await dial(pki, h.port, 'edge-2');
      c.autoAck = true;
      h.hub.send('edge-2', podMsg('edge-2', pod('gone', 'uid-gone', '10'), 'insert'));
      await c.next();
      await eventually(() => h.kube.peek(R.objectsyncs, 'default', 'edge-2.uid-gone'), 2000, 'objectsync for gone');
      await c.close();
      await eventually(() => !h.hub.isConnected('edge-2'), 2000, 'disconnect');

      for (const rv of ['11', '13', '12']) h.hub.send('edge-2', podMsg('edge-2', pod('web', 'uid-web', rv)));
      h.hub.send('edge-2', podMsg('edge-2', pod('gone', 'uid-gone', '20'), 'delete'));
      h.hub.send('edge-2', podMsg('edge-2', pod('gone', 'uid-gone', '15')));
      h.hub.send('edge-2', newMessage({ group: 'resource', operation: 'update', resource: 'node/edge-2/default/podlist', content: [] }));

      c = await dial(pki, h.port, 'edge-2');
      c.autoAck = true;
      const a = await c.next();
      const b = await c.next();
      const byName = new Map([a, b].map((m) => [m.route.resource, m]));
      assert.equal(byName.get('default/pod/web')?.header.resourceversion, '13');
      assert.equal(byName.get('default/pod/gone')?.route.operation, 'delete');
      await assert.rejects(c.next(undefined, 300), 'nothing else is delivered');
      await eventually(() => !h.kube.peek(R.objectsyncs, 'default', 'edge-2.uid-gone'), 2000, 'objectsync deleted');
      const web = await eventually(() => h.kube.peek(R.objectsyncs, 'default', 'edge-2.uid-web'), 2000, 'objectsync for web');
      assert.equal(web.status?.objectResourceVersion, '13');
      await c.close();
    } finally {
      await h.stop();
    }
  });

  test('after a hub restart, objects whose ObjectSync already has that RV are not resent', async () => {
    const h1 = await startHub(pki);
    const kube = h1.kube;
    let c = await dial(pki, h1.port, 'edge-3');
    c.autoAck = true;
    h1.hub.send('edge-3', podMsg('edge-3', pod('a', 'uid-a', '5'), 'insert'));
    h1.hub.send('edge-3', podMsg('edge-3', pod('b', 'uid-b', '6'), 'insert'));
    await c.next();
    await c.next();
    await eventually(() => kube.peek(R.objectsyncs, 'default', 'edge-3.uid-b') && kube.peek(R.objectsyncs, 'default', 'edge-3.uid-a'), 2000, 'syncs');
    await c.close();
    await h1.stop();

    const h2 = await startHub(pki, {}, kube);
    try {
      c = await dial(pki, h2.port, 'edge-3');
      c.autoAck = true;
      h2.hub.send('edge-3', podMsg('edge-3', pod('a', 'uid-a', '5')));
      h2.hub.send('edge-3', podMsg('edge-3', pod('b', 'uid-b', '9')));
      const m = await c.next();
      assert.equal(m.route.resource, 'default/pod/b');
      assert.equal(m.header.resourceversion, '9');
      await assert.rejects(c.next(undefined, 300), 'pod a is not resent');
      await c.close();
    } finally {
      await h2.stop();
    }
  });
});
