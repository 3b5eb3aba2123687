// kedge's own OpenAPI v3 component schemas for the built-in kinds, keyed by the upstream names
// (io.k8s.api.core.v1.Pod, ...). They feed /openapi/v3, kubectl explain, strict field validation
// and strategic-merge-patch merge keys.
import { deepFreeze } from '../meta.js';
import type { JSONSchema, SchemaComponents } from './types.js';
import { apiextensionsV1 } from './builtin/apiextensions-v1.js';
import { appsV1 } from './builtin/apps-v1.js';
import { autoscalingV1 } from './builtin/autoscaling-v1.js';
import { coordinationV1 } from './builtin/coordination-v1.js';
import { coreV1Config } from './builtin/core-v1-config.js';
import { coreV1Container } from './builtin/core-v1-container.js';
import { coreV1Node } from './builtin/core-v1-node.js';
import { coreV1Pod } from './builtin/core-v1-pod.js';
import { coreV1PodSpec } from './builtin/core-v1-pod-spec.js';
import { coreV1Service } from './builtin/core-v1-service.js';
import { coreV1Volume } from './builtin/core-v1-volume.js';
import { listKind } from './builtin/helpers.js';
import { metaV1 } from './builtin/meta-v1.js';

/** Kinds that are only request/response bodies, never listed. */
const NO_LIST = new Set(['Binding', 'Scale', 'Status', 'DeleteOptions', 'WatchEvent']);

function withLists(tables: Record<string, JSONSchema>[]): Record<string, JSONSchema> {
  const all: Record<string, JSONSchema> = Object.assign({}, ...tables);
  for (const [name, schema] of Object.entries({ ...all })) {
    const gvks = schema['x-kubernetes-group-version-kind'];
    if (!gvks || gvks.length !== 1) continue;
    const { group, version, kind } = gvks[0]!;
    if (NO_LIST.has(kind)) continue;
    all[`${name}List`] = listKind(group, version, kind, name);
  }
  return all;
}

export const builtinComponents: SchemaComponents = deepFreeze(
  withLists([
    metaV1,
    coreV1Container,
    coreV1Volume,
    coreV1PodSpec,
    coreV1Pod,
    coreV1Config,
    coreV1Node,
    coreV1Service,
    coordinationV1,
    appsV1,
    autoscalingV1,
    apiextensionsV1,
  ]),
);

const byGvk = new Map<string, string>();
for (const [name, schema] of Object.entries(builtinComponents)) {
  for (const { group, version, kind } of schema['x-kubernetes-group-version-kind'] ?? []) {
    const key = `${group}/${version}/${kind}`;
    // DeleteOptions is tagged with every group; keep the first (most specific) owner of a GVK.
    if (!byGvk.has(key)) byGvk.set(key, name);
  }
}

/** Component name of a built-in kind: ('apps','v1','Deployment') → 'io.k8s.api.apps.v1.Deployment'. */
export function builtinSchemaName(group: string, version: string, kind: string): string | undefined {
  return byGvk.get(`${group}/${version}/${kind}`);
}
