// The validator and strategic merge patch against the real built-in component schemas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinComponents, builtinSchemaName } from '../schema/builtin.js';
import { validateValue } from '../schema/validate.js';
import type { JSONSchema } from '../schema/types.js';
import { strategicMergePatch } from './strategic-merge-patch.js';

function schemaOf(group: string, version: string, kind: string): JSONSchema {
  const name = builtinSchemaName(group, version, kind);
  assert.ok(name, `no built-in schema for ${group}/${version}/${kind}`);
  return { $ref: `#/components/schemas/${name}` };
}
const deploymentSchema = schemaOf('apps', 'v1', 'Deployment');

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{
          name: 'nginx', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          env: [{ name: 'A', value: '1' }],
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        }],
        volumes: [{ name: 'data', emptyDir: {} }],
      },
    },
  },
});

test('a realistic Deployment validates cleanly against the built-in schema', () => {
  assert.deepEqual(validateValue(deployment(), deploymentSchema, builtinComponents), { errors: [], unknownFields: [] });
});

test('built-in schema: typos are unknown fields, wrong types are errors', () => {
  const d = deployment() as Record<string, any>;
  d.spec.template.spec.containers[0].imagee = 'x';
  d.spec.replicas = 'two';
  const r = validateValue(d, deploymentSchema, builtinComponents);
  assert.deepEqual(r.unknownFields, ['spec.template.spec.containers[0].imagee']);
  assert.deepEqual(r.errors.map((e) => [e.field, e.reason]), [['spec.replicas', 'FieldValueTypeInvalid']]);
});

test('built-in schema: kubectl apply patch merges containers, ports and env', () => {
  const out = strategicMergePatch(deployment(), {
    spec: { template: { spec: {
      '$setElementOrder/containers': [{ name: 'nginx' }],
      containers: [{
        '$setElementOrder/env': [{ name: 'A' }, { name: 'B' }],
        name: 'nginx', image: 'nginx:1.26',
        env: [{ name: 'B', value: '2' }],
        ports: [{ containerPort: 8080 }],
      }],
    } } },
  }, deploymentSchema, builtinComponents) as ReturnType<typeof deployment>;
  const c = out.spec.template.spec.containers[0]!;
  assert.equal(c.image, 'nginx:1.26');
  assert.equal(c.imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(c.env, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
  assert.deepEqual(c.ports.map((p) => p.containerPort).sort(), [80, 8080]);
  assert.deepEqual(c.volumeMounts, [{ name: 'data', mountPath: '/data' }]);
  assert.deepEqual(out.spec.template.spec.volumes, [{ name: 'data', emptyDir: {} }]);
});

test('built-in schema: a Pod patch deletes a container and keeps the rest', () => {
  const podSchema = schemaOf('', 'v1', 'Pod');
  const live = { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }] } };
  const out = strategicMergePatch(live, { spec: { containers: [{ $patch: 'delete', name: 'a' }] } }, podSchema, builtinComponents);
  assert.deepEqual(out, { metadata: { name: 'p' }, spec: { containers: [{ name: 'b', image: 'b' }] } });
});
