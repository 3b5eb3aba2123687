import { randomInt } from 'node:crypto';
import type { KubeObject } from '@kedge/api';
import type { StrategyContext } from './types.js';
import { storagePrefixFor } from '../object-store.js';

// Defaulting as upstream's SetDefaults_* (k8s-api.md §5 SHOULD list); only the fields kedge's
// controllers and kubectl output rely on.

function setIfAbsent(o: Record<string, any>, k: string, v: unknown): void {
  if (o[k] === undefined || o[k] === null) o[k] = v;
}

export function imagePullPolicyFor(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  if (colon < 0) return 'Always';
  return last.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Record<string, any>): void {
  if (typeof c.image === 'string') setIfAbsent(c, 'imagePullPolicy', imagePullPolicyFor(c.image));
  setIfAbsent(c, 'terminationMessagePath', '/dev/termination-log');
  setIfAbsent(c, 'terminationMessagePolicy', 'File');
  if (Array.isArray(c.ports)) for (const p of c.ports) if (p && typeof p === 'object') setIfAbsent(p, 'protocol', 'TCP');
}

export function defaultPodSpec(spec: Record<string, any> | undefined): void {
  if (!spec || typeof spec !== 'object') return;
  setIfAbsent(spec, 'restartPolicy', 'Always');
  setIfAbsent(spec, 'dnsPolicy', 'ClusterFirst');
  setIfAbsent(spec, 'schedulerName', 'default-scheduler');
  setIfAbsent(spec, 'terminationGracePeriodSeconds', 30);
  setIfAbsent(spec, 'securityContext', {});
  if (spec.serviceAccount && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount;
  setIfAbsent(spec, 'serviceAccountName', 'default');
  setIfAbsent(spec, 'enableServiceLinks', true);
  for (const list of ['containers', 'initContainers']) {
    if (Array.isArray(spec[list])) for (const c of spec[list]) if (c && typeof c === 'object') defaultContainer(c);
  }
}

export function defaultPod(obj: KubeObject): void {
  obj.spec = obj.spec ?? {};
  defaultPodSpec(obj.spec);
}

function defaultTemplate(obj: KubeObject): void {
  if (obj.spec?.template && typeof obj.spec.template === 'object') defaultPodSpec(obj.spec.template.spec);
}

export function defaultDeployment(obj: KubeObject): void {
  obj.spec = obj.spec ?? {};
  const s = obj.spec;
  setIfAbsent(s, 'replicas', 1);
  setIfAbsent(s, 'strategy', {});
  setIfAbsent(s.strategy, 'type', 'RollingUpdate');
  if (s.strategy.type === 'RollingUpdate') {
    setIfAbsent(s.strategy, 'rollingUpdate', {});
    setIfAbsent(s.strategy.rollingUpdate, 'maxUnavailable', '25%');
    setIfAbsent(s.strategy.rollingUpdate, 'maxSurge', '25%');
  }
  setIfAbsent(s, 'revisionHistoryLimit', 10);
  setIfAbsent(s, 'progressDeadlineSeconds', 600);
  defaultTemplate(obj);
}

export function defaultReplicaSet(obj: KubeObject): void {
  obj.spec = obj.spec ?? {};
  setIfAbsent(obj.spec, 'replicas', 1);
  defaultTemplate(obj);
}

export function defaultDaemonSet(obj: KubeObject): void {
  obj.spec = obj.spec ?? {};
  const s = obj.spec;
  setIfAbsent(s, 'updateStrategy', {});
  setIfAbsent(s.updateStrategy, 'type', 'RollingUpdate');
  if (s.updateStrategy.type === 'RollingUpdate') {
    setIfAbsent(s.updateStrategy, 'rollingUpdate', {});
    setIfAbsent(s.updateStrategy.rollingUpdate, 'maxUnavailable', 1);
    setIfAbsent(s.updateStrategy.rollingUpdate, 'maxSurge', 0);
  }
  setIfAbsent(s, 'revisionHistoryLimit', 10);
  defaultTemplate(obj);
}

export function defaultNamespace(obj: KubeObject): void {
  obj.spec = obj.spec ?? {};
  setIfAbsent(obj.spec, 'finalizers', ['kubernetes']);
  obj.status = obj.status ?? {};
  setIfAbsent(obj.status, 'phase', 'Active');
}

export function defaultSecret(obj: KubeObject): void {
  setIfAbsent(obj, 'type', 'Opaque');
}

export function defaultNode(obj: KubeObject): void {
  obj.spec = obj.spec ?? {};
  obj.status = obj.status ?? {};
}

/** 10.96.0.0/12, skipping the network address and .1 (upstream gives .1 to the kubernetes service). */
const serviceCidrBase = (10 << 24) | (96 << 16);
const serviceCidrSize = 1 << 20;

function ipString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export async function defaultService(obj: KubeObject, ctx: StrategyContext): Promise<void> {
  obj.spec = obj.spec ?? {};
  const s = obj.spec;
  setIfAbsent(s, 'type', 'ClusterIP');
  setIfAbsent(s, 'sessionAffinity', 'None');
  if (s.type !== 'ExternalName') setIfAbsent(s, 'internalTrafficPolicy', 'Cluster');
  if (Array.isArray(s.ports)) {
    for (const p of s.ports) {
      if (!p || typeof p !== 'object') continue;
      setIfAbsent(p, 'protocol', 'TCP');
      setIfAbsent(p, 'targetPort', p.port);
    }
  }
  if (s.type === 'ExternalName') return;
  if (ctx.old?.spec?.clusterIP && !s.clusterIP) s.clusterIP = ctx.old.spec.clusterIP;
  if (!s.clusterIP) s.clusterIP = await allocateClusterIP(ctx);
  if (!Array.isArray(s.clusterIPs) || s.clusterIPs.length === 0) s.clusterIPs = [s.clusterIP];
  if (s.clusterIP !== 'None') {
    setIfAbsent(s, 'ipFamilies', ['IPv4']);
    setIfAbsent(s, 'ipFamilyPolicy', 'SingleStack');
  }
}

async function allocateClusterIP(ctx: StrategyContext): Promise<string> {
  const used = new Set<string>();
  for (const svc of await ctx.store.listAll(storagePrefixFor('', 'services'))) {
    if (svc.spec?.clusterIP) used.add(String(svc.spec.clusterIP));
  }
  for (let i = 0; i < 64; i++) {
    const ip = ipString(serviceCidrBase + 2 + randomInt(serviceCidrSize - 3));
    if (!used.has(ip)) return ip;
  }
  for (let n = 2; n < serviceCidrSize - 1; n++) {
    const ip = ipString(serviceCidrBase + n);
    if (!used.has(ip)) return ip;
  }
  throw new Error('service cluster IP range 10.96.0.0/12 is exhausted');
}
