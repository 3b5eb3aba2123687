import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JSONSchema, SchemaComponents } from './types.js';
import { resolveSchema, validateValue } from './validate.js';

const components: SchemaComponents = {
  Container: {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string' },
      image: { type: 'string' },
      imagePullPolicy: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] },
      ports: { type: 'array', items: { allOf: [{ $ref: '#/components/schemas/ContainerPort' }] } },
    },
  },
  ContainerPort: {
    type: 'object',
    required: ['containerPort'],
    properties: { containerPort: { type: 'integer', minimum: 1, maximum: 65535 }, protocol: { type: 'string', default: 'TCP' } },
  },
  ObjectMeta: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      finalizers: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
    },
  },
  Deployment: {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { allOf: [{ $ref: '#/components/schemas/ObjectMeta' }], default: {} },
      spec: {
        type: 'object',
        properties: {
          replicas: { type: 'integer', format: 'int32' },
          paused: { type: 'boolean' },
          template: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: { containers: { type: 'array', items: { $ref: '#/components/schemas/Container' } } },
              },
            },
          },
        },
      },
    },
  },
};
const deployment: JSONSchema = { $ref: '#/components/schemas/Deployment' };
const check = (v: unknown, s: JSONSchema = deployment) => validateValue(v, s, components);

test('a valid object has no errors and no unknown fields', () => {
  const r = check({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a'] },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] } } },
  });
  assert.deepEqual(r, { errors: [], unknownFields: [] });
});

test('unknown fields are collected with upstream strict-decoding paths, not errors', () => {
  const r = check({
    metadata: { name: 'x', bogus: 1 },
    spec: { foo: 1, template: { spec: { containers: [{ name: 'a' }, { name: 'b', imagee: 'x' }] } } },
    extra: true,
  });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.unknownFields.sort(), ['extra', 'metadata.bogus', 'spec.foo', 'spec.template.spec.containers[1].imagee']);
});

test('type mismatches are FieldValueTypeInvalid with upstream wording', () => {
  const r = check({ spec: { replicas: 'three', paused: 'yes' } });
  assert.deepEqual(r.errors, [
    { field: 'spec.replicas', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"' },
    { field: 'spec.paused', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.paused in body must be of type boolean: "string"' },
  ]);
  // integer vs number: 1.5 is a number, not an integer; 2.0 parses to an integer.
  assert.equal(check({ spec: { replicas: 1.5 } }).errors[0]?.message, 'Invalid value: "number": spec.replicas in body must be of type integer: "number"');
  assert.deepEqual(check({ spec: { replicas: 2.0 } }).errors, []);
  assert.equal(check({ spec: [] }).errors[0]?.reason, 'FieldValueTypeInvalid');
});

test('required, enum and min/max errors', () => {
  const r = check({ spec: { template: { spec: { containers: [{ image: 'x', imagePullPolicy: 'Sometimes', ports: [{ containerPort: 0 }, {}] }] } } } });
  assert.deepEqual(r.errors, [
    { field: 'spec.template.spec.containers[0].name', reason: 'FieldValueRequired', message: 'Required value' },
    { field: 'spec.template.spec.containers[0].imagePullPolicy', reason: 'FieldValueNotSupported', message: 'Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"' },
    { field: 'spec.template.spec.containers[0].ports[0].containerPort', reason: 'FieldValueInvalid', message: 'Invalid value: 0: spec.template.spec.containers[0].ports[0].containerPort in body should be greater than or equal to 1' },
    { field: 'spec.template.spec.containers[0].ports[1].containerPort', reason: 'FieldValueRequired', message: 'Required value' },
  ]);
  assert.match(check({ spec: { template: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 70000 }] }] } } } }).errors[0]!.message, /less than or equal to 65535/);
});

test('null: non-nullable values pass as absent but still fail required; nullable ones pass', () => {
  const s: JSONSchema = { type: 'object', required: ['a', 'n'], properties: { a: { type: 'string' }, n: { type: 'string', nullable: true }, b: { type: 'integer' } } };
  assert.deepEqual(validateValue({ a: 'x', n: null, b: null }, s, {}).errors, []);
  assert.deepEqual(validateValue({ a: null, n: null }, s, {}).errors.map((e) => e.field), ['a']);
});

test('strings: length, pattern, byte format', () => {
  const s: JSONSchema = {
    type: 'object',
    properties: {
      short: { type: 'string', maxLength: 3 },
      long: { type: 'string', minLength: 2 },
      dns: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
      data: { type: 'string', format: 'byte' },
    },
  };
  assert.deepEqual(validateValue({ short: 'héé', long: 'ab', dns: 'ok-1', data: 'aGVsbG8=' }, s, {}).errors, []);
  const r = validateValue({ short: 'abcd', long: 'a', dns: 'Bad_', data: 'not base64!' }, s, {});
  assert.deepEqual(r.errors.map((e) => [e.field, e.reason]), [
    ['short', 'FieldValueTooLong'], ['long', 'FieldValueInvalid'], ['dns', 'FieldValueInvalid'], ['data', 'FieldValueInvalid'],
  ]);
  assert.equal(r.errors[2]!.message, `Invalid value: "Bad_": dns in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'`);
});

test('arrays: min/max items, set and map duplicates', () => {
  const s: JSONSchema = {
    type: 'object',
    properties: {
      few: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string' } },
      set: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
      conds: {
        type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'],
        items: { type: 'object', properties: { type: { type: 'string' }, status: { type: 'string' } } },
      },
    },
  };
  assert.deepEqual(validateValue({ few: ['a'], set: ['a', 'b'], conds: [{ type: 'A' }, { type: 'B' }] }, s, {}).errors, []);
  const r = validateValue({ few: [], set: ['a', 'b', 'a'], conds: [{ type: 'A', status: 'True' }, { type: 'A', status: 'False' }] }, s, {});
  assert.deepEqual(r.errors, [
    { field: 'few', reason: 'FieldValueInvalid', message: 'Invalid value: 0: few in body should have at least 1 items' },
    { field: 'set[2]', reason: 'FieldValueDuplicate', message: 'Duplicate value: "a"' },
    { field: 'conds[1]', reason: 'FieldValueDuplicate', message: 'Duplicate value: {"type":"A"}' },
  ]);
  assert.equal(validateValue({ few: ['a', 'b', 'c'] }, s, {}).errors[0]?.reason, 'FieldValueTooMany');
});

test('int-or-string, preserve-unknown-fields, embedded resources, additionalProperties', () => {
  const s: JSONSchema = {
    type: 'object',
    properties: {
      port: { 'x-kubernetes-int-or-string': true },
      free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'string' } } },
      raw: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
    },
  };
  const ok = validateValue({ port: 'http', free: { known: 'x', anything: { deep: 1 } }, raw: { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: {} }, labels: { a: 'b' } }, s, {});
  assert.deepEqual(ok, { errors: [], unknownFields: [] });
  assert.deepEqual(validateValue({ port: 8080 }, s, {}).errors, []);
  const bad = validateValue({ port: 1.5, free: { known: 1 }, raw: { status: {} }, labels: { a: 1, 'app.kubernetes.io/name': false } }, s, {});
  assert.deepEqual(bad.errors.map((e) => e.field), ['port', 'free.known', 'labels.a', 'labels[app.kubernetes.io/name]']);
  assert.match(bad.errors[0]!.message, /must be of type integer,string/);
  assert.deepEqual(bad.unknownFields, ['raw.status']);
});

test('basePath prefixes every path', () => {
  const r = validateValue({ replicas: 'x', nope: 1 }, { type: 'object', properties: { replicas: { type: 'integer' } } }, {}, { basePath: 'spec' });
  assert.equal(r.errors[0]?.field, 'spec.replicas');
  assert.deepEqual(r.unknownFields, ['spec.nope']);
});

test('resolveSchema lets sibling keys win over the referenced schema and survives ref cycles', () => {
  const comps: SchemaComponents = { A: { type: 'object', description: 'a', properties: { x: { type: 'string' } } }, Loop: { $ref: '#/components/schemas/Loop' } };
  const r = resolveSchema({ allOf: [{ $ref: '#/components/schemas/A' }], description: 'own', default: {} }, comps);
  assert.equal(r.description, 'own');
  assert.deepEqual(r.default, {});
  assert.equal(r.properties?.['x']?.type, 'string');
  assert.deepEqual(resolveSchema({ $ref: '#/components/schemas/Loop' }, comps), {});
  assert.deepEqual(resolveSchema({ $ref: '#/components/schemas/Missing' }, comps), {});
});
