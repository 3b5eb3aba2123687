import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findToleration, toleratesTaint, untoleratedTaints, type Taint, type Toleration } from './taints.js';

describe('toleratesTaint', () => {
  const kv: Taint = { key: 'k', value: 'v', effect: 'NoSchedule' };

  it('Equal (and the empty operator) compares key and value', () => {
    assert.ok(toleratesTaint({ key: 'k', operator: 'Equal', value: 'v' }, kv));
    assert.ok(toleratesTaint({ key: 'k', value: 'v' }, kv), 'empty operator means Equal');
    assert.ok(!toleratesTaint({ key: 'k', operator: 'Equal', value: 'w' }, kv));
    assert.ok(!toleratesTaint({ key: 'other', operator: 'Equal', value: 'v' }, kv));
    assert.ok(!toleratesTaint({ key: 'k', operator: 'Equal', value: 'a' }, { key: 'k', value: 'b', effect: 'NoSchedule' }));
    assert.ok(toleratesTaint({ key: 'k', operator: 'Equal' }, { key: 'k', effect: 'NoSchedule' }), 'missing value equals empty value');
    assert.ok(!toleratesTaint({ key: 'k', operator: 'Equal' }, kv));
  });

  it('Exists ignores the value; with an empty key it matches every taint', () => {
    assert.ok(toleratesTaint({ key: 'k', operator: 'Exists' }, kv));
    assert.ok(toleratesTaint({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, { key: 'k', value: 'v', effect: 'NoExecute' }));
    assert.ok(!toleratesTaint({ key: 'j', operator: 'Exists' }, kv));
    assert.ok(toleratesTaint({ operator: 'Exists' }, kv));
    assert.ok(toleratesTaint({ operator: 'Exists' }, { key: 'any', effect: 'NoExecute' }));
    assert.ok(toleratesTaint({ key: '', operator: 'Exists' }, { key: 'any', value: 'x', effect: 'PreferNoSchedule' }));
  });

  it('an empty effect matches every effect; a set one only itself', () => {
    for (const effect of ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const) {
      assert.ok(toleratesTaint({ key: 'k', operator: 'Exists' }, { key: 'k', effect }), effect);
      assert.ok(toleratesTaint({ key: 'k', operator: 'Exists', effect: '' }, { key: 'k', effect }), effect);
    }
    assert.ok(!toleratesTaint({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, kv));
    assert.ok(!toleratesTaint({ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, { key: 'k', effect: 'NoExecute' }));
    assert.ok(!toleratesTaint({ operator: 'Exists', effect: 'NoExecute' }, kv), 'wildcard key still checks the effect');
  });

  it('an unknown operator tolerates nothing', () => {
    assert.ok(!toleratesTaint({ key: 'k', operator: 'Gt', value: 'v' }, kv));
    assert.ok(!toleratesTaint({ operator: 'exists' }, kv));
  });
});

describe('findToleration and untoleratedTaints', () => {
  const taints: Taint[] = [
    { key: 'a', effect: 'NoSchedule' },
    { key: 'b', value: '1', effect: 'PreferNoSchedule' },
    { key: 'c', effect: 'NoExecute' },
  ];

  it('returns the first tolerating toleration, so its tolerationSeconds can be read', () => {
    const tols: Toleration[] = [
      { key: 'x', operator: 'Exists' },
      { key: 'c', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
      { operator: 'Exists' },
    ];
    assert.equal(findToleration(tols, taints[2]!)?.tolerationSeconds, 30);
    assert.deepEqual(findToleration(tols, taints[0]!), { operator: 'Exists' });
    assert.equal(findToleration(undefined, taints[0]!), undefined);
    assert.equal(findToleration([], taints[0]!), undefined);
  });

  it('filters by effect and keeps node order', () => {
    assert.deepEqual(untoleratedTaints(undefined, taints).map((t) => t.key), ['a', 'b', 'c']);
    assert.deepEqual(untoleratedTaints([], taints, ['NoSchedule', 'NoExecute']).map((t) => t.key), ['a', 'c']);
    assert.deepEqual(untoleratedTaints([{ key: 'a', operator: 'Exists' }], taints, ['NoSchedule', 'NoExecute']).map((t) => t.key), ['c']);
    assert.deepEqual(untoleratedTaints([{ operator: 'Exists' }], taints), []);
    assert.deepEqual(untoleratedTaints([{ key: 'c', operator: 'Exists' }], taints, ['NoExecute']), []);
    assert.deepEqual(untoleratedTaints([], undefined, ['NoSchedule']), []);
  });
});
