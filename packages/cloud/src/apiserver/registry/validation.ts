import type { FieldError, KubeObject } from '@kedge/api';
import { isDnsLabel } from '../names.js';

const required = (field: string): FieldError => ({ field, reason: 'FieldValueRequired', message: 'Required value' });
const invalidValue = (field: string, value: unknown, why: string): FieldError => ({
  field, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${why}`,
});
const forbidden = (field: string, why: string): FieldError => ({ field, reason: 'FieldValueForbidden', message: `Forbidden: ${why}` });
const immutable = (field: string, value: unknown): FieldError => invalidValue(field, value, 'field is immutable');

function validateContainers(list: unknown, field: string, requireOne: boolean): FieldError[] {
  if (!Array.isArray(list) || list.length === 0) return requireOne ? [required(field)] : [];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list.forEach((c: any, i) => {
    const f = `${field}[${i}]`;
    if (!c || typeof c !== 'object') {
      errs.push(invalidValue(f, c, 'must be an object'));
      return;
    }
    if (!c.name) errs.push(required(`${f}.name`));
    else if (!isDnsLabel(String(c.name))) errs.push(invalidValue(`${f}.name`, c.name, 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\''));
    else if (seen.has(c.name)) errs.push({ field: `${f}.name`, reason: 'FieldValueDuplicate', message: `Duplicate value: ${JSON.stringify(c.name)}` });
    else seen.add(c.name);
    if (!c.image || typeof c.image !== 'string' || !c.image.trim()) errs.push(required(`${f}.image`));
  });
  return errs;
}

export function validatePodSpec(spec: any, field: string): FieldError[] {
  if (!spec || typeof spec !== 'object') return [required(field)];
  return [...validateContainers(spec.containers, `${field}.containers`, true), ...validateContainers(spec.initContainers, `${field}.initContainers`, false)];
}

export function validatePod(obj: KubeObject): FieldError[] {
  return validatePodSpec(obj.spec, 'spec');
}

function selectorMatchesLabels(selector: any, labels: Record<string, string> | undefined): boolean {
  const ml = selector?.matchLabels ?? {};
  for (const [k, v] of Object.entries(ml)) if (labels?.[k] !== v) return false;
  for (const e of (selector?.matchExpressions ?? []) as Array<{ key: string; operator: string; values?: string[] }>) {
    const has = labels !== undefined && e.key in labels;
    const val = labels?.[e.key];
    if (e.operator === 'In' && !(has && e.values?.includes(String(val)))) return false;
    if (e.operator === 'NotIn' && has && e.values?.includes(String(val))) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Deployments, ReplicaSets, DaemonSets: selector required, non-empty and matching the template. */
export function validateWorkload(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const s = obj.spec;
  if (!s || typeof s !== 'object') return [required('spec')];
  if (s.replicas !== undefined && (typeof s.replicas !== 'number' || s.replicas < 0 || !Number.isInteger(s.replicas))) {
    errs.push(invalidValue('spec.replicas', s.replicas, 'must be greater than or equal to 0'));
  }
  const sel = s.selector;
  const empty = !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
  if (empty) errs.push(required('spec.selector'));
  if (!s.template || typeof s.template !== 'object') {
    errs.push(required('spec.template'));
    return errs;
  }
  const labels = s.template.metadata?.labels;
  if (!empty && !selectorMatchesLabels(sel, labels)) {
    errs.push(invalidValue('spec.template.metadata.labels', labels ?? {}, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodSpec(s.template.spec, 'spec.template.spec'));
  return errs;
}

export function validateService(obj: KubeObject): FieldError[] {
  const s = obj.spec;
  if (!s || typeof s !== 'object') return [required('spec')];
  const errs: FieldError[] = [];
  const types = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
  if (s.type !== undefined && !types.includes(s.type)) {
    errs.push({ field: 'spec.type', reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(s.type)}: supported values: ${types.map((t) => `"${t}"`).join(', ')}` });
  }
  if (s.type !== 'ExternalName' && (!Array.isArray(s.ports) || s.ports.length === 0) && s.clusterIP !== 'None') errs.push(required('spec.ports'));
  if (Array.isArray(s.ports)) {
    s.ports.forEach((p: any, i: number) => {
      if (!p || typeof p.port !== 'number' || p.port < 1 || p.port > 65535) errs.push(invalidValue(`spec.ports[${i}].port`, p?.port, 'must be between 1 and 65535, inclusive'));
      if (s.ports.length > 1 && !p?.name) errs.push(required(`spec.ports[${i}].name`));
    });
  }
  return errs;
}

const json = (v: unknown) => JSON.stringify(v ?? null);

/** Pod updates may change only images, activeDeadlineSeconds and add tolerations (upstream ValidatePodUpdate). */
export function validatePodUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const a = structuredClone(obj.spec ?? {});
  const b = structuredClone(old.spec ?? {});
  for (const list of ['containers', 'initContainers']) {
    if (Array.isArray(a[list]) && Array.isArray(b[list]) && a[list].length === b[list].length) {
      a[list].forEach((c: any, i: number) => { if (c && b[list][i]) c.image = b[list][i].image; });
    }
  }
  a.activeDeadlineSeconds = b.activeDeadlineSeconds;
  const oldTol = (b.tolerations ?? []) as unknown[];
  const newTol = (a.tolerations ?? []) as unknown[];
  const oldKeys = new Set(oldTol.map(json));
  if (oldTol.every((t) => newTol.some((n) => json(n) === json(t)))) {
    a.tolerations = b.tolerations;
  } else if (!newTol.every((t) => oldKeys.has(json(t)))) {
    // removing tolerations is forbidden; fall through to the spec comparison
  }
  // terminationGracePeriodSeconds may be lowered by graceful deletion bookkeeping.
  a.terminationGracePeriodSeconds = b.terminationGracePeriodSeconds;
  if (json(a) !== json(b)) {
    return [forbidden('spec', 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)')];
  }
  return [];
}

export function validateSelectorImmutable(obj: KubeObject, old: KubeObject): FieldError[] {
  if (old.spec?.selector !== undefined && json(obj.spec?.selector) !== json(old.spec?.selector)) return [immutable('spec.selector', obj.spec?.selector)];
  return [];
}

export function validateServiceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const o = old.spec?.clusterIP;
  if (o && o !== 'None' && obj.spec?.type !== 'ExternalName' && obj.spec?.clusterIP !== o) return [immutable('spec.clusterIP', obj.spec?.clusterIP)];
  return [];
}

/** ConfigMaps/Secrets marked `immutable: true` keep their data. */
export function validateImmutableData(obj: KubeObject, old: KubeObject): FieldError[] {
  if (old.immutable !== true) return [];
  if (obj.immutable !== true) return [forbidden('immutable', 'field is immutable when `immutable` is set')];
  if (json(obj.data) !== json(old.data) || json(obj.binaryData) !== json(old.binaryData) || json(obj.stringData) !== 'null') {
    return [forbidden('data', 'field is immutable when `immutable` is set')];
  }
  return [];
}

export function validateCRD(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const s = obj.spec;
  if (!s || typeof s !== 'object') return [required('spec')];
  if (!s.group) errs.push(required('spec.group'));
  if (!s.names?.plural) errs.push(required('spec.names.plural'));
  if (!s.names?.kind) errs.push(required('spec.names.kind'));
  if (s.group && s.names?.plural && obj.metadata.name !== `${s.names.plural}.${s.group}`) {
    errs.push(invalidValue('metadata.name', obj.metadata.name, 'must be spec.names.plural+"."+spec.group'));
  }
  if (s.scope !== 'Namespaced' && s.scope !== 'Cluster') {
    errs.push({ field: 'spec.scope', reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(s.scope)}: supported values: "Cluster", "Namespaced"` });
  }
  const versions = Array.isArray(s.versions) ? s.versions : [];
  if (versions.length === 0) errs.push(required('spec.versions'));
  else {
    const storage = versions.filter((v: any) => v?.storage === true).length;
    if (storage !== 1) errs.push(invalidValue('spec.versions', versions.map((v: any) => v?.name), 'must have exactly one version marked as storage version'));
    versions.forEach((v: any, i: number) => { if (!v?.name) errs.push(required(`spec.versions[${i}].name`)); });
  }
  return errs;
}

export function validateCRDUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.spec?.group !== old.spec?.group) errs.push(immutable('spec.group', obj.spec?.group));
  if (obj.spec?.names?.plural !== old.spec?.names?.plural) errs.push(immutable('spec.names.plural', obj.spec?.names?.plural));
  if (obj.spec?.scope !== old.spec?.scope) errs.push(immutable('spec.scope', obj.spec?.scope));
  return errs;
}
