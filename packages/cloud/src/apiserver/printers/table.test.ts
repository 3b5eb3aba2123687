import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tableColumns, tableRow, toTable } from './table.js';

const now = Date.parse('2026-01-01T12:00:00Z');
const created = '2026-01-01T11:00:00Z';
const meta = (name: string, extra: object = {}) => ({ name, namespace: 'default', creationTimestamp: created, ...extra });
const names = (resource: string) => tableColumns(resource).map((c) => c.name);

describe('built-in printers', () => {
  it('nodes: status, roles, version, wide cells', () => {
    assert.deepEqual(names('nodes'), ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']);
    const node = {
      metadata: { name: 'edge-1', creationTimestamp: created, labels: { 'node-role.kubernetes.io/edge': '', 'node-role.kubernetes.io/agent': '', 'kubernetes.io/role': 'worker' } },
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.4-kubeedge', osImage: 'Debian' }, addresses: [{ type: 'InternalIP', address: '10.0.0.2' }] },
    };
    assert.deepEqual(tableRow('nodes', node, now), ['edge-1', 'Ready,SchedulingDisabled', 'agent,edge,worker', '60m', 'v1.32.4-kubeedge', '10.0.0.2', '<none>', 'Debian', '<unknown>', '<unknown>']);
    assert.equal(tableRow('nodes', { metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }, now)[1], 'NotReady');
    assert.deepEqual(tableRow('nodes', { metadata: { name: 'n' } }, now).slice(1, 3), ['Unknown', '<none>']);
  });

  it('services, endpoints, configmaps, secrets', () => {
    const svc = { metadata: meta('web'), spec: { type: 'NodePort', clusterIP: '10.96.0.10', ports: [{ port: 80, protocol: 'TCP' }, { port: 443, nodePort: 30443 }], selector: { app: 'web' } } };
    assert.deepEqual(tableRow('services', svc, now), ['web', 'NodePort', '10.96.0.10', '<none>', '80/TCP,443:30443/TCP', '60m', 'app=web']);
    const lb = { metadata: meta('lb'), spec: { type: 'LoadBalancer', clusterIPs: ['10.96.0.11'] } };
    assert.equal(tableRow('services', lb, now)[3], '<pending>');
    const ep = { metadata: meta('web'), subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: 'fd00::3' }, { ip: '10.0.0.4' }], ports: [{ port: 80 }] }] };
    assert.equal(tableRow('endpoints', ep, now)[1], '10.0.0.1:80,10.0.0.2:80,[fd00::3]:80 + 1 more...');
    assert.equal(tableRow('endpoints', { metadata: meta('x') }, now)[1], '<none>');
    assert.deepEqual(tableRow('configmaps', { metadata: meta('c'), data: { a: '1' }, binaryData: { b: 'AA==' } }, now), ['c', 2, '60m']);
    assert.deepEqual(tableRow('secrets', { metadata: meta('s'), type: 'Opaque', data: { a: 'MQ==' } }, now), ['s', 'Opaque', 1, '60m']);
  });

  it('workloads with wide cells', () => {
    const dep = {
      metadata: meta('web'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1' }, { name: 'side', image: 'busybox' }] } } },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    assert.deepEqual(tableRow('apps/deployments', dep, now), ['web', '2/3', 3, 2, '60m', 'nginx,side', 'nginx:1,busybox', 'app=web']);
    assert.deepEqual(tableRow('deployments', dep, now), tableRow('apps/deployments', dep, now));
    assert.deepEqual(tableRow('apps/replicasets', { ...dep, status: { replicas: 3, readyReplicas: 1 } }, now).slice(0, 5), ['web', 3, 3, 1, '60m']);
    const ds = { metadata: meta('agent'), spec: { template: { spec: { nodeSelector: { edge: 'true' }, containers: [] } } }, status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1 } };
    assert.deepEqual(tableRow('apps/daemonsets', ds, now).slice(0, 8), ['agent', 2, 2, 1, 2, 1, 'edge=true', '60m']);
    assert.equal(tableRow('apps/daemonsets', ds, now)[10], '', 'a missing selector prints as an empty Nothing selector');
  });

  it('events, leases, serviceaccounts, namespaces, crds', () => {
    const ev = {
      metadata: meta('p.1'), involvedObject: { kind: 'Pod', name: 'p', fieldPath: 'spec.containers{a}' }, reason: 'Pulled', type: 'Normal', message: ' pulled \n',
      firstTimestamp: '2026-01-01T11:00:00Z', lastTimestamp: '2026-01-01T11:58:00Z', count: 4, source: { component: 'kubelet', host: 'edge-1' },
    };
    assert.deepEqual(tableRow('events', ev, now), ['2m', 'Normal', 'Pulled', 'pod/p', 'spec.containers{a}', 'kubelet, edge-1', 'pulled', '60m', 4, 'p.1']);
    assert.equal(tableRow('events', { metadata: meta('e'), involvedObject: { kind: 'Node' }, eventTime: '2026-01-01T11:59:00.000000Z' }, now)[0], '60s');
    assert.deepEqual(tableRow('coordination.k8s.io/leases', { metadata: meta('edge-1'), spec: { holderIdentity: 'edge-1' } }, now), ['edge-1', 'edge-1', '60m']);
    assert.deepEqual(tableRow('serviceaccounts', { metadata: meta('default') }, now), ['default', 0, '60m']);
    assert.deepEqual(tableRow('namespaces', { metadata: meta('kube-system'), status: { phase: 'Active' } }, now), ['kube-system', 'Active', '60m']);
    assert.deepEqual(tableRow('apiextensions.k8s.io/customresourcedefinitions', { metadata: { name: 'devices.devices.kubeedge.io', creationTimestamp: '2026-01-01T11:00:00.123Z' } }, now),
      ['devices.devices.kubeedge.io', '2026-01-01T11:00:00Z']);
  });
});

describe('custom resources and toTable', () => {
  const crdColumns = [
    { name: 'Node', type: 'string', jsonPath: '.spec.nodeName' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Count', type: 'integer', jsonPath: '.status.count', priority: 1 },
    { name: 'Seen', type: 'date', jsonPath: '.status.lastSeen' },
  ];
  const cr = { apiVersion: 'x.io/v1', kind: 'Thing', metadata: meta('t', { managedFields: [{}] }), spec: { nodeName: 'edge-1' }, status: { count: 2, lastSeen: '2026-01-01T11:30:00Z', conditions: [{ type: 'Ready', status: 'True' }] } };

  it('evaluates additionalPrinterColumns and appends Age', () => {
    const cols = tableColumns('x.io/things', crdColumns);
    assert.deepEqual(cols.map((c) => [c.name, c.type, c.priority]), [['Name', 'string', 0], ['Node', 'string', 0], ['Ready', 'string', 0], ['Count', 'integer', 1], ['Seen', 'date', 0], ['Age', 'string', 0]]);
    assert.equal(cols[0]!.format, 'name');
    assert.deepEqual(tableRow('x.io/things', cr, now, crdColumns), ['t', 'edge-1', 'True', 2, '30m', '60m']);
    assert.deepEqual(tableRow('x.io/things', { metadata: meta('u') }, now, crdColumns), ['u', null, null, null, null, '60m']);
    assert.deepEqual(tableColumns('x.io/things').map((c) => c.name), ['Name', 'Age']);
  });

  it('builds a Table with the requested object form', () => {
    const t = toTable('x.io/things', [cr], { now, crdColumns, resourceVersion: '42', continue: 'abc' });
    assert.equal(t.kind, 'Table');
    assert.equal(t.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(t.metadata, { resourceVersion: '42', continue: 'abc' });
    assert.deepEqual(t.rows[0]!.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 't', namespace: 'default', creationTimestamp: created } });
    assert.equal(toTable('x.io/things', [cr], { now, includeObject: 'Object' }).rows[0]!.object, cr);
    assert.equal('object' in toTable('x.io/things', [cr], { now, includeObject: 'None' }).rows[0]!, false);
    assert.deepEqual(toTable('pods', [], { now, noHeaders: true }).columnDefinitions, []);
    const pods = toTable('pods', [{ metadata: meta('p'), spec: { containers: [{ name: 'a' }] }, status: { phase: 'Failed' } }], { now });
    assert.equal(pods.columnDefinitions.length, 9);
    assert.deepEqual(pods.rows[0]!.cells, ['p', '0/1', 'Failed', '0', '60m', '<none>', '<none>', '<none>', '<none>']);
    assert.equal(pods.rows[0]!.conditions?.[0]?.type, 'Completed');
  });
});
