import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@kedge/api';
import { linuxResources, portMappings, qosClass } from './resources.js';

const pod = (containers: unknown[], extra: Record<string, unknown> = {}): KubeObject => ({ metadata: { name: 'p' }, spec: { containers, ...extra } });

test('cpu shares from requests, CFS quota from limits, memory limit in bytes, as kubelet computes them', () => {
  assert.deepEqual(linuxResources({ requests: { cpu: '250m' }, limits: { cpu: '1500m', memory: '64Mi' } }), { cpuShares: 256, cpuPeriod: 100_000, cpuQuota: 150_000, memoryLimitInBytes: 64 * 2 ** 20 });
  // No request but a limit: the request defaults to the limit.
  assert.deepEqual(linuxResources({ limits: { cpu: '2' } }), { cpuShares: 2048, cpuPeriod: 100_000, cpuQuota: 200_000 });
  assert.deepEqual(linuxResources(undefined), { cpuShares: 2 });
  assert.equal(linuxResources({ limits: { cpu: '1m' } }).cpuQuota, 1000);
  assert.equal(linuxResources({ limits: { memory: '1G' } }).memoryLimitInBytes, 1e9);
});

test('qosClass: BestEffort, Burstable, Guaranteed (init containers count)', () => {
  assert.equal(qosClass(pod([{ name: 'a' }])), 'BestEffort');
  assert.equal(qosClass(pod([{ name: 'a', resources: { requests: { cpu: '1' } } }])), 'Burstable');
  const full = { limits: { cpu: '1', memory: '1Gi' } };
  assert.equal(qosClass(pod([{ name: 'a', resources: full }])), 'Guaranteed');
  assert.equal(qosClass(pod([{ name: 'a', resources: { limits: full.limits, requests: { cpu: '1000m', memory: '1Gi' } } }])), 'Guaranteed');
  assert.equal(qosClass(pod([{ name: 'a', resources: full }], { initContainers: [{ name: 'i' }] })), 'Burstable');
});

test('hostPorts become sandbox port mappings, except on the host network', () => {
  const c = [{ name: 'a', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 53, hostPort: 5353, protocol: 'UDP', hostIP: '127.0.0.1' }, { containerPort: 9000 }] }];
  assert.deepEqual(portMappings(pod(c)), [
    { protocol: 'TCP', containerPort: 80, hostPort: 8080 },
    { protocol: 'UDP', containerPort: 53, hostPort: 5353, hostIp: '127.0.0.1' },
  ]);
  assert.deepEqual(portMappings(pod(c, { hostNetwork: true })), []);
});
