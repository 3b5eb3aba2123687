import { R, isAlreadyExists, type KubeObject } from '@kedge/api';
import type { Module } from '@kedge/core';
import { Controller } from '@kedge/core/controller/index.js';
import type { ControllerDeps } from '../types.js';

/** Ensures a `default` ServiceAccount in every Active namespace (pods name it; upstream admission requires it). */
export function createServiceAccountController(deps: ControllerDeps): Module {
  const log = deps.log.child({ module: 'serviceaccount' });
  const namespaces = deps.informers.informer(R.namespaces);
  const accounts = deps.informers.informer(R.serviceaccounts);
  const reconciler = {
    async reconcile(ns: string) {
      const n = namespaces.get(ns);
      if (!n || n.metadata.deletionTimestamp || (n.status?.phase && n.status.phase !== 'Active')) return;
      if (accounts.get(`${ns}/default`)) return;
      try {
        await deps.client.create(R.serviceaccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });
        log.debug({ namespace: ns }, 'default service account created');
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    },
  };
  return new Controller({ name: 'serviceaccount', reconciler, log })
    .watch(namespaces, (n: KubeObject) => n.metadata.name)
    .watch(accounts, (sa: KubeObject) => (sa.metadata.name === 'default' ? sa.metadata.namespace : undefined));
}
