import type { KubeObject } from '@kedge/api';
import { builtinComponents, builtinSchemaName } from '@kedge/api/schema/index.js';
import type { JSONSchema, SchemaComponents } from '@kedge/api/schema/types.js';
import { storagePrefixFor } from '../object-store.js';
import type { ResourceDef } from './types.js';
import * as d from './defaults.js';
import * as v from './validation.js';
import { crdStatusFor } from './crd-status.js';

export const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface DefInput extends Partial<ResourceDef> {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

/** Fills a definition's derived fields (names, storage prefix, schema ref). */
export function makeDef(p: DefInput, components: SchemaComponents = {}): ResourceDef {
  const schemaName = p.schemaName;
  return {
    singular: p.kind.toLowerCase(),
    listKind: `${p.kind}List`,
    shortNames: [],
    categories: [],
    verbs: allVerbs,
    subresources: [],
    hasStatus: false,
    generation: false,
    strategicMerge: false,
    components,
    storagePrefix: storagePrefixFor(p.group, p.plural),
    selectorResource: p.group ? `${p.group}/${p.plural}` : p.plural,
    ...(schemaName ? { schema: { $ref: `#/components/schemas/${schemaName}` } as JSONSchema } : {}),
    ...p,
  };
}

function builtin(p: DefInput): ResourceDef {
  const schemaName = builtinSchemaName(p.group, p.version, p.kind);
  return makeDef({ strategicMerge: true, ...(schemaName ? { schemaName } : {}), ...p }, builtinComponents);
}

const podStatus = (): unknown => ({ phase: 'Pending', qosClass: 'BestEffort' });
const emptyStatus = (): unknown => ({});

/** Every built-in resource kedge serves (k8s-api.md §3). */
export function builtinDefs(): ResourceDef[] {
  return [
    builtin({
      group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'],
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status', 'finalize'], hasStatus: true,
      defaults: d.defaultNamespace, initialStatus: () => ({ phase: 'Active' }),
    }),
    builtin({
      group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'],
      subresources: ['status'], hasStatus: true, defaults: d.defaultNode,
    }),
    builtin({
      group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'],
      subresources: ['status', 'binding', 'log', 'exec', 'eviction'], hasStatus: true, initialStatus: podStatus,
      defaults: d.defaultPod, validate: v.validatePod, validateUpdate: v.validatePodUpdate,
    }),
    builtin({ group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'], validateUpdate: v.validateImmutableData }),
    builtin({ group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true, defaults: d.defaultSecret, validateUpdate: v.validateImmutableData }),
    builtin({
      group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true, shortNames: ['svc'], categories: ['all'],
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      subresources: ['status'], hasStatus: true, initialStatus: () => ({ loadBalancer: {} }),
      defaults: d.defaultService, validate: v.validateService, validateUpdate: v.validateServiceUpdate,
    }),
    builtin({ group: '', version: 'v1', plural: 'endpoints', kind: 'Endpoints', namespaced: true, shortNames: ['ep'], singular: 'endpoints' }),
    builtin({ group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'] }),
    builtin({ group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'], subresources: ['token'] }),
    builtin({ group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true }),
    builtin({
      group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'],
      subresources: ['status', 'scale'], hasStatus: true, generation: true, initialStatus: emptyStatus,
      defaults: d.defaultDeployment, validate: v.validateWorkload, validateUpdate: v.validateSelectorImmutable,
    }),
    builtin({
      group: 'apps', version: 'v1', plural: 'replicasets', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], categories: ['all'],
      subresources: ['status', 'scale'], hasStatus: true, generation: true, initialStatus: emptyStatus,
      defaults: d.defaultReplicaSet, validate: v.validateWorkload, validateUpdate: v.validateSelectorImmutable,
    }),
    builtin({
      group: 'apps', version: 'v1', plural: 'daemonsets', kind: 'DaemonSet', namespaced: true, shortNames: ['ds'], categories: ['all'],
      subresources: ['status'], hasStatus: true, generation: true, initialStatus: emptyStatus,
      defaults: d.defaultDaemonSet, validate: v.validateWorkload, validateUpdate: v.validateSelectorImmutable,
    }),
    builtin({
      group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false,
      shortNames: ['crd', 'crds'], categories: ['api-extensions'], subresources: ['status'], hasStatus: true, generation: true, strategicMerge: true,
      // Names are accepted and the resource is served at once, so status is computed on every write.
      defaults: (obj: KubeObject) => { obj.status = crdStatusFor(obj); },
      validate: v.validateCRD, validateUpdate: v.validateCRDUpdate,
    }),
  ];
}
