import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, conflict, invalid, isConflict, isNotFound, notFound } from './errors.js';

test('notFound words the message as upstream and maps to 404', () => {
  const e = notFound('deployments', 'web', 'apps');
  assert.equal(e.message, 'deployments.apps "web" not found');
  assert.equal(e.toStatus().code, 404);
  assert.equal(e.toStatus().details?.group, 'apps');
  assert.ok(isNotFound(e));
  assert.ok(!isConflict(e));
});

test('invalid carries field causes and a 422', () => {
  const e = invalid('ConfigMap', 'BAD', [{ field: 'metadata.name', reason: 'FieldValueInvalid', message: 'Invalid value: "BAD"' }]);
  const s = e.toStatus();
  assert.equal(s.code, 422);
  assert.equal(s.reason, 'Invalid');
  assert.equal(s.details?.causes?.[0]?.field, 'metadata.name');
});

test('fromStatus round-trips a server Status', () => {
  const s = conflict('configmaps', 'cm1').toStatus();
  const e = ApiError.fromStatus(s);
  assert.equal(e.reason, 'Conflict');
  assert.equal(e.code, 409);
});
