import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Group, Op, Source, newMessage, type Message } from '@kedge/api';
import type { EdgeCerts } from '@kedge/edge/bootstrap/index.js';
import { startFaultProxy, type FaultProxy } from '@kedge/core/testing/fault-proxy.js';
import { issueNodeCert, rawHubClient, startCloud, startEdge, type Cloud, type Edge, type RawHubClient } from '../harness/edge-link.js';
import { sleep } from '../harness/wait.js';
import { EDGE_LABEL, boundPod, createNamespace, must, waitNodeReady } from './fixtures.js';

// Issue 3 "Tests": node-id/certificate mismatch refused; garbage frames, invalid JSON, unknown operations
// and oversize frames close that connection only; node B cannot query node A's secret.

const NS = 'proto-e2e';
// Kept small so the oversize case needs only a modest frame; passed to kedge server as config.
const MAX_FRAME = 256 * 1024;
let cloud: Cloud;
let proxy: FaultProxy;
let edge: Edge;
let dir: string;
let token: string;
const certs: Record<string, EdgeCerts> = {};
const clients: RawHubClient[] = [];

function connect(node: string, as = node): RawHubClient {
  const c = rawHubClient({ address: cloud.hubAddress, certs: certs[node]!, nodeId: as });
  clients.push(c);
  return c;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kedge-proto-e2e-'));
  const cfg = join(dir, 'kedge.yaml');
  writeFileSync(cfg, `cloudcore:\n  cloudHub:\n    maxFrameBytes: ${MAX_FRAME}\n`);
  cloud = await startCloud({ extraArgs: ['--config', cfg] });
  token = await cloud.getToken();
  for (const n of ['proto-a', 'proto-b', 'proto-x', 'proto-y']) certs[n] = await issueNodeCert(cloud.certServerUrl, token, n, join(dir, n));
  // A real edge process on the same hub: it must not notice any of the abuse below.
  proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: cloud.hubPort } });
  edge = await startEdge({ cloud, name: 'proto-edge', via: proxy, token });
  await waitNodeReady(cloud.kube, 'proto-edge');
});

after(async () => {
  for (const c of clients) c.close();
  await edge?.stop();
  await proxy?.close();
  await cloud?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A ping answered by CloudHub proves a session is alive and served. */
async function assertAlive(c: RawHubClient, who: string): Promise<void> {
  const ping = newMessage({ source: 'edgehub', group: Group.hub, operation: 'ping', resource: '' });
  c.send(ping);
  await c.waitForMessage((m) => m.header.parent_msg_id === ping.header.msg_id, 5_000).catch((err: Error) => {
    throw new Error(`${who} is not served any more: ${err.message}`);
  });
}

async function closedWithin(c: RawHubClient, ms: number): Promise<{ code: number; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`connection not closed within ${ms} ms`)), ms)));
  try {
    return await Promise.race([c.closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

test('a certificate for one node cannot connect as another node', async () => {
  const wrong = connect('proto-a', 'proto-b');
  await assert.rejects(wrong.opened, /^Error: HTTP 403: .*does not match node_id/);
  const right = connect('proto-a');
  await right.opened;
  await assertAlive(right, 'proto-a');
  right.close();
});

test('garbage frames, invalid JSON, unknown operations and oversize frames close that connection only', async () => {
  const bystander = connect('proto-y');
  await bystander.opened;
  const edgeAccepted = proxy.stats().accepted;
  const valid = (op: string): string => JSON.stringify(newMessage({ source: Source.edged, group: Group.resource, operation: op, resource: 'default/pod/x' }));
  const cases: Array<{ what: string; send: (c: RawHubClient) => void; codes: number[] }> = [
    { what: 'garbage binary frame', send: (c) => c.sendRaw(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x7b]), true), codes: [1003, 1007] },
    { what: 'invalid JSON', send: (c) => c.sendRaw('{"header": {"msg_id": "1", '), codes: [1007] },
    { what: 'JSON that is not a message', send: (c) => c.sendRaw('[1,2,3]'), codes: [1007] },
    { what: 'unknown operation', send: (c) => c.sendRaw(valid('explode')), codes: [1008] },
    { what: 'oversize frame', send: (c) => c.send(newMessage({ source: Source.edged, group: Group.resource, operation: 'update', resource: 'default/pod/x', content: 'x'.repeat(MAX_FRAME + 1024) })), codes: [1009] },
  ];
  for (const k of cases) {
    const abuser = connect('proto-x');
    await abuser.opened;
    await assertAlive(abuser, `proto-x before ${k.what}`);
    k.send(abuser);
    const closed = await closedWithin(abuser, 5_000).catch((err: Error) => {
      throw new Error(`${k.what}: ${err.message}\n${cloud.stderrTail(3000)}`);
    });
    assert.ok(k.codes.includes(closed.code), `${k.what}: close code ${closed.code} (${closed.reason}), want one of ${k.codes}`);
    await assertAlive(bystander, `bystander after ${k.what}`);
  }
  // The same node may come straight back: only that connection was closed, nothing was banned.
  const again = connect('proto-x');
  await again.opened;
  await assertAlive(again, 'proto-x reconnected');
  // The real edge kept its one connection throughout.
  assert.equal(proxy.stats().accepted, edgeAccepted);
  assert.equal(proxy.connections(), 1);
  await waitNodeReady(cloud.kube, 'proto-edge', 5_000);
});

test("node B cannot query node A's secret; node A can", async () => {
  await createNamespace(cloud.kube, NS);
  for (const n of ['proto-a', 'proto-b']) {
    await must(cloud.kube.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: n, labels: { [EDGE_LABEL]: '' } } }));
  }
  await must(cloud.kube.request('POST', `/api/v1/namespaces/${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a-secret', namespace: NS }, data: { password: Buffer.from('hunter2').toString('base64') } }));
  await must(cloud.kube.request('POST', `/api/v1/namespaces/${NS}/pods`, boundPod('a-app', NS, 'proto-a', { secrets: ['a-secret'] })));

  const a = connect('proto-a');
  const b = connect('proto-b');
  await Promise.all([a.opened, b.opened]);
  const query = (c: RawHubClient): Message => {
    const m = newMessage({ source: Source.edged, group: Group.meta, operation: Op.query, resource: `${NS}/secret/a-secret` });
    c.send(m);
    return m;
  };

  // Node A: the pod bound to it references the secret (placement may take a moment to see the pod).
  let answer: Message | undefined;
  for (let i = 0; i < 20 && answer?.route.operation !== Op.response; i++) {
    const q = query(a);
    answer = await a.waitForMessage((m) => m.header.parent_msg_id === q.header.msg_id, 5_000);
    if (answer.route.operation !== Op.response) await sleep(250);
  }
  assert.equal(answer?.route.operation, Op.response, `node A's query answered with ${JSON.stringify(answer)}`);
  assert.equal((answer!.content as any)?.data?.password, Buffer.from('hunter2').toString('base64'));

  const qb = query(b);
  const refused = await b.waitForMessage((m) => m.header.parent_msg_id === qb.header.msg_id, 5_000);
  assert.equal(refused.route.operation, Op.error);
  assert.match(String(refused.content), /proto-b.*may not read secret/);
  assert.doesNotMatch(JSON.stringify(b.messages), /hunter2|aHVudGVyMg/);
  await assertAlive(b, 'proto-b after the refusal');
});
