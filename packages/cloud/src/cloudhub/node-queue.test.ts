import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newMessage, type Message } from '@kedge/api';
import { classify } from './classify.js';
import { NodeQueue } from './node-queue.js';

const msg = (uid: string, rv: string, operation = 'update'): Message =>
  newMessage({ group: 'resource', operation, resource: `node/n/default/pod/${uid}`, content: { metadata: { name: uid, namespace: 'default', uid } }, resourceVersion: rv });

function setup(acked: Record<string, string> = {}, window = 10) {
  const q = new NodeQueue({ acked: (uid) => acked[uid], ackTimeoutMs: 100, ackRetries: 2, window, maxBackoffMs: 1000 });
  const out: Message[] = [];
  const add = (m: Message) => q.enqueue(m, classify(m)!);
  return { q, out, add, write: (m: Message) => void out.push(m) };
}

test('resend up to ackRetries, then exponential backoff, then resend again', () => {
  const { q, out, add, write } = setup();
  add(msg('a', '1'));
  q.pump(0, write);
  q.tick(50, write);
  assert.equal(out.length, 1);
  q.tick(100, write);
  q.tick(200, write);
  assert.equal(out.length, 3, 'two resends');
  q.tick(300, write);
  assert.equal(out.length, 3, 'gave up: backing off');
  assert.equal(q.inFlight(), 0);
  assert.equal(q.depth(), 1);
  q.tick(399, write);
  assert.equal(out.length, 3);
  q.tick(400, write);
  assert.equal(out.length, 4, 'sent again after the first backoff (ackTimeoutMs)');
  assert.ok(out.every((m) => m.header.msg_id === out[0]!.header.msg_id));
  assert.equal(q.ack(out[0]!.header.msg_id)?.info.rv, '1');
  assert.ok(q.isEmpty());
});

test('one message per UID in flight; a newer version waits and replaces unsent older ones', () => {
  const { q, out, add, write } = setup();
  add(msg('a', '1'));
  q.pump(0, write);
  assert.ok(add(msg('a', '3')));
  assert.equal(add(msg('a', '2')), false, 'older than the queued one');
  q.pump(0, write);
  assert.equal(out.length, 1, 'rv 3 waits for rv 1');
  q.ack(out[0]!.header.msg_id);
  q.pump(1, write);
  assert.deepEqual(out.map((m) => m.header.resourceversion), ['1', '3']);
});

test('a queued delete is never replaced by an update; acknowledged versions are skipped', () => {
  const { q, out, add, write } = setup({ b: '7' });
  add(msg('a', '1'));
  add(msg('a', '5', 'delete'));
  assert.equal(add(msg('a', '9')), false);
  assert.equal(add(msg('b', '7')), false, 'edge already has b@7');
  assert.ok(add(msg('b', '8')));
  q.pump(0, write);
  assert.deepEqual(out.map((m) => `${m.route.operation}:${m.header.resourceversion}`), ['delete:5', 'update:8']);
});

test('the window bounds messages in flight; reset() requeues them for the next session', () => {
  const { q, out, add, write } = setup({}, 2);
  for (const u of ['a', 'b', 'c']) add(msg(u, '1'));
  q.pump(0, write);
  assert.equal(out.length, 2);
  assert.equal(q.inFlight(), 2);
  q.reset();
  assert.equal(q.inFlight(), 0);
  assert.equal(q.depth(), 3);
  q.pump(1, write);
  q.ack(out[2]!.header.msg_id);
  q.pump(1, write);
  assert.equal(out.length, 5);
});
