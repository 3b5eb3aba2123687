import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FleetTracker, type HubView } from './fleet-tracker.js';

const MIN = 60_000;

/** A hub with sessions the test controls and the same onConnection contract as CloudHub. */
function fakeHub() {
  const handlers: ((node: string, e: 'connected' | 'disconnected') => void)[] = [];
  const sessions = new Map<string, { node: string; connectedAt: number; queueDepth: number; inFlight: number }>();
  const hub: HubView = { onConnection: (h) => { handlers.push(h); }, sessions: () => [...sessions.values()] };
  return {
    hub, sessions,
    connect(node: string, at: number) { sessions.set(node, { node, connectedAt: at, queueDepth: 0, inFlight: 0 }); for (const h of handlers) h(node, 'connected'); },
    disconnect(node: string) { sessions.delete(node); for (const h of handlers) h(node, 'disconnected'); },
  };
}

test('history covers the last hour: older transitions are clipped to the window start', () => {
  let now = 0;
  const t = new FleetTracker({ now: () => now });
  t.record('a', 'connected', 0);
  now = 30 * MIN; t.record('a', 'disconnected', now);
  now = 40 * MIN; t.record('a', 'connected', now);
  now = 100 * MIN;
  // Window is [40m, 100m]: only the reconnect segment remains, starting at the window start at the latest.
  assert.deepEqual(t.history('a'), [{ from: 40 * MIN, to: 100 * MIN, connected: true }]);
  now = 70 * MIN;
  const h = new FleetTracker({ now: () => now });
  h.record('b', 'connected', 0);
  h.record('b', 'disconnected', 30 * MIN);
  h.record('b', 'connected', 40 * MIN);
  assert.deepEqual(h.history('b'), [
    { from: 10 * MIN, to: 30 * MIN, connected: true },
    { from: 30 * MIN, to: 40 * MIN, connected: false },
    { from: 40 * MIN, to: 70 * MIN, connected: true },
  ]);
});

test('reconnects: repeated events merge, and the node reads connected with the new session start', () => {
  let now = 1_000;
  const t = new FleetTracker({ now: () => now });
  const f = fakeHub();
  t.attach(f.hub);
  f.connect('n1', now);
  now = 2_000; f.connect('n1', now); // a reconnect racing the old session's close
  now = 3_000; f.disconnect('n1');
  now = 4_000; f.connect('n1', now);
  now = 5_000;
  const [n] = t.snapshot();
  assert.equal(n!.connected, true);
  assert.equal(n!.connectedAt, 4_000);
  assert.deepEqual(n!.history.map((s) => [s.from, s.to, s.connected]), [[1_000, 3_000, true], [3_000, 4_000, false], [4_000, 5_000, true]]);
});

test('attach picks up nodes already connected; sample notices a session gone without an event', () => {
  let now = 10_000;
  const t = new FleetTracker({ now: () => now });
  const f = fakeHub();
  f.sessions.set('early', { node: 'early', connectedAt: 5_000, queueDepth: 0, inFlight: 0 });
  t.attach(f.hub);
  assert.deepEqual(t.history('early'), [{ from: 5_000, to: 10_000, connected: true }]);
  f.sessions.delete('early');
  now = 12_000;
  t.sample();
  assert.equal(t.snapshot()[0]!.connected, false);
  now = 15_000;
  assert.deepEqual(t.history('early'), [{ from: 5_000, to: 12_000, connected: true }, { from: 12_000, to: 15_000, connected: false }]);
});

test('queue depth, in-flight and pendingSince come from sampling; listeners get only changed nodes', () => {
  let now = 0;
  const t = new FleetTracker({ now: () => now, sampleMs: 3_600_000 });
  const f = fakeHub();
  t.attach(f.hub);
  f.connect('a', 0);
  f.connect('b', 0);
  const got: string[][] = [];
  const off = t.subscribe((nodes) => got.push(nodes.map((n) => n.node)));
  t.sample();
  assert.deepEqual(got, [['a', 'b']]);
  now = 1_000;
  f.sessions.get('b')!.queueDepth = 3;
  f.sessions.get('b')!.inFlight = 1;
  t.sample();
  assert.deepEqual(got.at(-1), ['b']);
  now = 5_000;
  t.sample(); // nothing changed: nothing published, pendingSince stays at the first sighting
  assert.equal(got.length, 2);
  const b = t.snapshot().find((n) => n.node === 'b')!;
  assert.equal(b.queueDepth, 3);
  assert.equal(b.pendingSince, 1_000);
  f.sessions.get('b')!.queueDepth = 0;
  f.sessions.get('b')!.inFlight = 0;
  t.sample();
  assert.equal(t.snapshot().find((n) => n.node === 'b')!.pendingSince, undefined);
  off();
  t.close();
});
