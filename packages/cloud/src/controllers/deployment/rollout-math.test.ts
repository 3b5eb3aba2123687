import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newRsReplicas, planOldScaleDown, planProportionalScale, resolveFenceposts, type DeploymentShape, type RsShape } from './rollout-math.js';
import { computeTemplateHash, equalIgnoreHash, fnv1a32, safeEncode } from './template-hash.js';

const shape = (replicas: number, maxSurge?: number | string, maxUnavailable?: number | string): DeploymentShape =>
  ({ replicas, strategy: 'RollingUpdate', maxSurge, maxUnavailable, statusReplicas: replicas });
const rs = (name: string, replicas: number, available: number, created: number): RsShape => ({ name, replicas, available, created });

describe('rollout math', () => {
  it('resolves fenceposts: surge rounds up, unavailable down, never both zero', () => {
    assert.deepEqual(resolveFenceposts(undefined, undefined, 10), { surge: 3, unavailable: 2 });
    assert.deepEqual(resolveFenceposts('10%', '10%', 5), { surge: 1, unavailable: 0 });
    assert.deepEqual(resolveFenceposts(0, '10%', 5), { surge: 0, unavailable: 1 });
  });

  it('grows the new ReplicaSet only up to replicas + maxSurge', () => {
    const d = shape(10, 3, 2);
    assert.equal(newRsReplicas(d, [rs('old', 10, 10, 0), rs('new', 0, 0, 1)], rs('new', 0, 0, 1)), 3);
    assert.equal(newRsReplicas(d, [rs('old', 8, 8, 0), rs('new', 5, 0, 1)], rs('new', 5, 0, 1)), 5);
    assert.equal(newRsReplicas(d, [rs('old', 0, 0, 0), rs('new', 9, 9, 1)], rs('new', 9, 9, 1)), 10);
  });

  it('scales old ReplicaSets down only as far as availability allows, unhealthy ones first', () => {
    const d = shape(10, 3, 2);
    // 13 total, 10 old available, new 3 unavailable: may drop to 8 available.
    assert.deepEqual([...planOldScaleDown(d, [rs('old', 10, 10, 0)], rs('new', 3, 0, 1))], [['old', 8]]);
    // Two old RSs, the older one has 2 unhealthy pods: those go first.
    assert.deepEqual([...planOldScaleDown(shape(4, 1, 0), [rs('a', 2, 0, 0), rs('b', 3, 3, 1)], rs('new', 0, 0, 2))], [['a', 1]], 'budget of one: one unhealthy pod, no available ones');
  });

  it('spreads a scale-up proportionally with leftovers to the largest', () => {
    const d = { ...shape(20, 3, 2), statusReplicas: 13 };
    const plan = planProportionalScale(d, [{ ...rs('old', 8, 8, 0), maxReplicasAnnotation: 13 }, { ...rs('new', 5, 0, 1), maxReplicasAnnotation: 13 }]);
    assert.deepEqual(Object.fromEntries(plan), { old: 14, new: 9 });
    const down = planProportionalScale({ ...shape(0), statusReplicas: 13 }, [rs('old', 8, 8, 0), rs('new', 5, 0, 1)]);
    assert.deepEqual(Object.fromEntries(down), { old: 0, new: 0 });
  });
});

describe('template hash', () => {
  const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  it('is stable, key-order independent and ignores the pod-template-hash label', () => {
    const h = computeTemplateHash(t);
    assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(computeTemplateHash({ spec: t.spec, metadata: { labels: { 'pod-template-hash': h, app: 'web' } } }), h);
    assert.ok(equalIgnoreHash(t, { ...t, metadata: { labels: { app: 'web', 'pod-template-hash': 'x' } } }));
    assert.notEqual(computeTemplateHash({ ...t, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }), h);
    assert.notEqual(computeTemplateHash(t, 1), h);
  });

  it('implements FNV-1a 32 and the safe alphabet', () => {
    assert.equal(fnv1a32(''), 0x811c9dc5);
    assert.equal(fnv1a32('a'), 0xe40c292c);
    assert.equal(safeEncode('0123'), '4567');
  });
});
