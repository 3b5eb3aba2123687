import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch } from './json-patch.js';
import { isApiError } from '../errors.js';

const rejects = (reason: string) => (e: unknown): boolean => {
  assert.ok(isApiError(e), `expected ApiError, got ${String(e)}`);
  assert.equal(e.reason, reason, e.message);
  return true;
};

test('RFC 6902 appendix A successful examples', () => {
  const cases: Array<[unknown, unknown[], unknown]> = [
    // A.1 add an object member
    [{ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
    // A.2 add an array element
    [{ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    // A.3 remove an object member
    [{ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    // A.4 remove an array element
    [{ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    // A.5 replace a value
    [{ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    // A.6 move a value
    [{ foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } }, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } }],
    // A.7 move an array element
    [{ foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
    // A.8 test success
    [{ baz: 'qux', foo: ['a', 2, 'c'] }, [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }], { baz: 'qux', foo: ['a', 2, 'c'] }],
    // A.10 add a nested member object
    [{ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
    // A.11 ignore unrecognized elements
    [{ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }], { foo: 'bar', baz: 'qux' }],
    // A.14 ~ escape ordering
    [{ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    // A.16 add an array value
    [{ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
  ];
  for (const [doc, ops, want] of cases) assert.deepEqual(applyJsonPatch(doc, ops), want, JSON.stringify(ops));
});

test('RFC 6902 appendix A failing examples are 422 Invalid', () => {
  // A.9 test failure
  assert.throws(() => applyJsonPatch({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]), rejects('Invalid'));
  // A.12 adding to a nonexistent target
  assert.throws(() => applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]), rejects('Invalid'));
  // A.15 comparing strings and numbers
  assert.throws(() => applyJsonPatch({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }]), rejects('Invalid'));
  assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: 'remove', path: '/b' }]), rejects('Invalid'));
  assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '/b', value: 1 }]), rejects('Invalid'));
  assert.throws(() => applyJsonPatch({ a: [1] }, [{ op: 'add', path: '/a/2', value: 1 }]), rejects('Invalid'));
  assert.throws(() => applyJsonPatch({ a: [1] }, [{ op: 'remove', path: '/a/01' }]), rejects('Invalid'));
  assert.throws(() => applyJsonPatch({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }]), rejects('Invalid'));
});

test('the 422 carries upstream wording and the cause', () => {
  try {
    applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]);
    assert.fail('expected a throw');
  } catch (e) {
    assert.ok(isApiError(e));
    assert.equal(e.code, 422);
    assert.equal(e.message, 'the server rejected our request due to an error in our request');
    assert.match(e.details?.causes?.[0]?.message ?? '', /\/a/);
  }
});

test('malformed patches are 400 BadRequest', () => {
  assert.throws(() => applyJsonPatch({}, { op: 'add' }), rejects('BadRequest'));
  assert.throws(() => applyJsonPatch({}, [{ op: 'frobnicate', path: '/a' }]), rejects('BadRequest'));
  assert.throws(() => applyJsonPatch({}, [{ path: '/a', value: 1 }]), rejects('BadRequest'));
  assert.throws(() => applyJsonPatch({}, [{ op: 'add', path: '/a' }]), rejects('BadRequest'));
  assert.throws(() => applyJsonPatch({}, [{ op: 'add', path: 'a', value: 1 }]), rejects('BadRequest'));
  assert.throws(() => applyJsonPatch({}, [{ op: 'move', path: '/a' }]), rejects('BadRequest'));
  assert.throws(() => applyJsonPatch({}, [7]), rejects('BadRequest'));
});

test('copy, whole-document ops, escaping and replace keeps member order', () => {
  assert.deepEqual(applyJsonPatch({ a: { b: [1] } }, [{ op: 'copy', from: '/a', path: '/c' }]), { a: { b: [1] }, c: { b: [1] } });
  assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: [1] }]), [1]);
  assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '', value: { z: 1 } }]), { z: 1 });
  const labels = applyJsonPatch({ metadata: { labels: { 'app.kubernetes.io/name': 'x' } } }, [
    { op: 'replace', path: '/metadata/labels/app.kubernetes.io~1name', value: 'y' },
  ]);
  assert.deepEqual(labels, { metadata: { labels: { 'app.kubernetes.io/name': 'y' } } });
  const out = applyJsonPatch({ a: 1, b: 2, c: 3 }, [{ op: 'replace', path: '/a', value: 9 }]);
  assert.deepEqual(Object.keys(out as object), ['a', 'b', 'c']);
});

test('atomic and never mutates inputs', () => {
  const doc = { a: [1, 2], b: { c: 1 } };
  const ops = [{ op: 'add', path: '/b/d', value: { e: 1 } }, { op: 'remove', path: '/a/0' }];
  const snapDoc = structuredClone(doc);
  const snapOps = structuredClone(ops);
  const out = applyJsonPatch(doc, ops) as { b: { d: { e: number } } };
  assert.deepEqual(doc, snapDoc);
  out.b.d.e = 5;
  assert.deepEqual(ops, snapOps);
  // A later failing op leaves the original untouched.
  assert.throws(() => applyJsonPatch(doc, [{ op: 'remove', path: '/a/0' }, { op: 'test', path: '/x', value: 1 }]));
  assert.deepEqual(doc, snapDoc);
});
