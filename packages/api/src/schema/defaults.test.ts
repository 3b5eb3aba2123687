import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JSONSchema, SchemaComponents } from './types.js';
import { applyDefaults } from './defaults.js';

const components: SchemaComponents = {
  Port: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } } },
  Strategy: {
    type: 'object',
    properties: {
      type: { type: 'string', default: 'RollingUpdate' },
      rollingUpdate: { type: 'object', default: {}, properties: { maxSurge: { 'x-kubernetes-int-or-string': true, default: '25%' } } },
    },
  },
};

const schema: JSONSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer', default: 1 },
        tags: { type: 'array', items: { type: 'string' }, default: ['a'] },
        nullableField: { type: 'string', nullable: true, default: 'd' },
        strategy: { allOf: [{ $ref: '#/components/schemas/Strategy' }], default: {} },
        ports: { type: 'array', items: { $ref: '#/components/schemas/Port' } },
        byName: { type: 'object', additionalProperties: { $ref: '#/components/schemas/Port' } },
        absentParent: { type: 'object', properties: { x: { type: 'string', default: 'no' } } },
      },
    },
  },
};

test('fills absent fields, recursing into defaults, arrays and additionalProperties', () => {
  const obj: Record<string, unknown> = { spec: { ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }], byName: { dns: { port: 53 } } } };
  applyDefaults(obj, schema, components);
  assert.deepEqual(obj, {
    spec: {
      replicas: 1,
      tags: ['a'],
      nullableField: 'd',
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } },
      ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
      byName: { dns: { port: 53, protocol: 'TCP' } },
    },
  });
});

test('never overwrites present values; null is defaulted only when not nullable', () => {
  const obj = { spec: { replicas: 0, tags: [], nullableField: null, strategy: null } };
  applyDefaults(obj, schema, components);
  assert.equal(obj.spec.replicas, 0);
  assert.deepEqual(obj.spec.tags, []);
  assert.equal(obj.spec.nullableField, null);
  assert.deepEqual(obj.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } });
});

test('defaults are deep copies, not shared with the schema', () => {
  const a: { spec: { tags?: string[] } } = { spec: {} };
  applyDefaults(a, schema, components);
  a.spec.tags!.push('mutated');
  const b: { spec: { tags?: string[] } } = { spec: {} };
  applyDefaults(b, schema, components);
  assert.deepEqual(b.spec.tags, ['a']);
});

test('non-object values and missing schemas are left alone', () => {
  const v = { spec: 'nope' };
  applyDefaults(v, schema, components);
  assert.deepEqual(v, { spec: 'nope' });
  applyDefaults(undefined, schema, components);
  applyDefaults(5, schema, components);
});
