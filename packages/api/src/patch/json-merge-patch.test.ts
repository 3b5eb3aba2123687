import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonMergePatch } from './json-merge-patch.js';

// RFC 7386 Appendix A, verbatim cases: [original, patch, result].
const appendixA: Array<[unknown, unknown, unknown]> = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [['a', 'b'], ['c', 'd'], ['c', 'd']],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

test('RFC 7386 appendix A examples', () => {
  for (const [orig, patch, want] of appendixA) {
    assert.deepEqual(jsonMergePatch(orig, patch), want, `${JSON.stringify(orig)} + ${JSON.stringify(patch)}`);
  }
});

test('RFC 7386 section 3 example', () => {
  const target = { title: 'Goodbye!', author: { givenName: 'John', familyName: 'Doe' }, tags: ['example', 'sample'], content: 'This will be unchanged' };
  const patch = { title: 'Hello!', phoneNumber: '+01-123-456-7890', author: { familyName: null }, tags: ['example'] };
  assert.deepEqual(jsonMergePatch(target, patch), {
    title: 'Hello!', author: { givenName: 'John' }, tags: ['example'], content: 'This will be unchanged', phoneNumber: '+01-123-456-7890',
  });
});

test('kubectl label/annotate style patch keeps other metadata, lists are replaced', () => {
  const obj = { metadata: { name: 'x', labels: { a: '1', b: '2' }, finalizers: ['f1', 'f2'] }, spec: { replicas: 1 } };
  const out = jsonMergePatch(obj, { metadata: { labels: { a: null, c: '3' }, finalizers: ['f3'] } });
  assert.deepEqual(out, { metadata: { name: 'x', labels: { b: '2', c: '3' }, finalizers: ['f3'] }, spec: { replicas: 1 } });
});

test('never mutates inputs and result shares nothing with them', () => {
  const obj = { a: { b: [1, 2], c: { d: 1 } }, keep: { deep: { x: 1 } } };
  const patch = { a: { b: [3], e: { f: 1 } } };
  const snapObj = structuredClone(obj);
  const snapPatch = structuredClone(patch);
  const out = jsonMergePatch(obj, patch) as typeof obj & { a: { e: { f: number } } };
  assert.deepEqual(obj, snapObj);
  assert.deepEqual(patch, snapPatch);
  out.keep.deep.x = 99;
  out.a.e.f = 99;
  out.a.c.d = 99;
  assert.equal(obj.keep.deep.x, 1);
  assert.equal(obj.a.c.d, 1);
  assert.equal(patch.a.e.f, 1);
});
