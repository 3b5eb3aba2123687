// Container environment resolution for Edged (issue 4): env, envFrom, downward API and $(VAR) expansion.
export { resolveEnv, type EnvVar, type ResolveEnvOptions } from './resolve-env.js';
export { expand, lookupIn, type ExpandLookup } from './expand.js';
export { podFieldValue, resourceFieldValue, type NodeInfo, type FieldContext, type ResourceFieldSelector } from './field-ref.js';
export { objectData, getDataObject, missingKey, type ObjectGetter, type DataKind } from './object-data.js';
