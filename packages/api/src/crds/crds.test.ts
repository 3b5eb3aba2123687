import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../resources.js';
import type { JSONSchema } from '../schema/types.js';
import { builtinCRDs, deviceCRD, objectSyncCRD } from './index.js';

/** The structural-schema rules apiextensions enforces that a hand-written schema can break. */
function structuralProblems(s: JSONSchema, path: string, out: string[]): string[] {
  if (!s.type && !s['x-kubernetes-int-or-string'] && !s['x-kubernetes-preserve-unknown-fields']) out.push(`${path}: type missing`);
  if (s.properties && s.type !== 'object') out.push(`${path}: properties on non-object`);
  if (s.type === 'array' && !s.items) out.push(`${path}: array without items`);
  if (s.properties && s.additionalProperties) out.push(`${path}: properties and additionalProperties`);
  for (const k of ['$ref', 'allOf', 'oneOf', 'anyOf'] as const) if (s[k]) out.push(`${path}: ${k} not allowed in this subset`);
  for (const [k, v] of Object.entries(s.properties ?? {})) structuralProblems(v, `${path}.${k}`, out);
  if (s.items) structuralProblems(s.items, `${path}[]`, out);
  if (typeof s.additionalProperties === 'object') structuralProblems(s.additionalProperties, `${path}{}`, out);
  return out;
}

describe('builtinCRDs', () => {
  it('match the resource table and have structural schemas', () => {
    const refs = [R.devices, R.devicemodels, R.objectsyncs, R.clusterobjectsyncs];
    assert.equal(builtinCRDs.length, refs.length);
    for (const ref of refs) {
      const crd = builtinCRDs.find((c) => c.metadata.name === `${ref.resource}.${ref.group}`);
      assert.ok(crd, ref.resource);
      assert.equal(crd.apiVersion, 'apiextensions.k8s.io/v1');
      assert.equal(crd.kind, 'CustomResourceDefinition');
      assert.equal(crd.spec.group, ref.group);
      assert.equal(crd.spec.names.kind, ref.kind);
      assert.equal(crd.spec.names.plural, ref.resource);
      assert.equal(crd.spec.names.listKind, `${ref.kind}List`);
      assert.equal(crd.spec.scope, ref.namespaced ? 'Namespaced' : 'Cluster');
      const versions = crd.spec.versions as { name: string; storage: boolean; served: boolean; schema: { openAPIV3Schema: JSONSchema } }[];
      assert.deepEqual(versions.map((v) => [v.name, v.served, v.storage]), [[ref.version, true, true]]);
      assert.deepEqual(structuralProblems(versions[0]!.schema.openAPIV3Schema, ref.kind, []), []);
    }
  });

  it('Device keeps KubeEdge v1beta1 field names, no status subresource, printer columns', () => {
    const v = deviceCRD.spec.versions[0];
    assert.equal(v.subresources, undefined);
    const spec = v.schema.openAPIV3Schema.properties.spec.properties;
    assert.deepEqual(Object.keys(spec).sort(), ['deviceModelRef', 'methods', 'nodeName', 'properties', 'protocol', 'stateReport']);
    const prop = spec.properties.items.properties;
    assert.deepEqual(Object.keys(prop).sort(), ['collectCycle', 'desired', 'name', 'pushMethod', 'reportCycle', 'reportToCloud', 'visitors']);
    assert.equal(spec.protocol.properties.configData['x-kubernetes-preserve-unknown-fields'], true);
    assert.equal(prop.pushMethod['x-kubernetes-preserve-unknown-fields'], true);
    const twin = v.schema.openAPIV3Schema.properties.status.properties.twins.items.properties;
    assert.deepEqual(Object.keys(twin).sort(), ['observedDesired', 'propertyName', 'reported']);
    assert.deepEqual(v.additionalPrinterColumns.map((c: { name: string; jsonPath: string }) => [c.name, c.jsonPath]), [
      ['Node', '.spec.nodeName'], ['Protocol', '.spec.protocol.protocolName'], ['State', '.status.state'], ['Age', '.metadata.creationTimestamp'],
    ]);
  });

  it('ObjectSync has spec/status and the status subresource', () => {
    const v = objectSyncCRD.spec.versions[0];
    assert.deepEqual(v.subresources, { status: {} });
    assert.deepEqual(Object.keys(v.schema.openAPIV3Schema.properties.spec.properties), ['objectAPIVersion', 'objectKind', 'objectName']);
    assert.deepEqual(Object.keys(v.schema.openAPIV3Schema.properties.status.properties), ['objectResourceVersion']);
  });
});
