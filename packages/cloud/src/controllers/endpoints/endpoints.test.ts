import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R, type KubeObject } from '@kedge/api';
import { createHarness, waitFor } from '@kedge/core/testing/index.js';
import { createEndpointsController, managedByLabel } from './index.js';

const pod = (name: string, ip: string | undefined, ready: boolean): KubeObject => ({
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: 'web' } },
  spec: { nodeName: 'n1', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
  status: { ...(ip ? { podIP: ip } : {}), conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

test('builds Endpoints from ready/not-ready pods, follows changes, deletes only its own', async () => {
  const h = createHarness();
  h.client.seed(R.services,
    { metadata: { name: 'web', namespace: 'ns' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } },
    { metadata: { name: 'manual', namespace: 'ns' }, spec: { ports: [{ port: 80 }] } });
  h.client.seed(R.endpoints, { metadata: { name: 'manual', namespace: 'ns' }, subsets: [{ addresses: [{ ip: '1.2.3.4' }] }] });
  h.client.seed(R.pods, pod('a', '10.0.0.2', true), pod('b', '10.0.0.1', false), pod('c', undefined, true));
  const stop = await h.run(createEndpointsController(h));
  try {
    await waitFor(() => !!h.client.peek(R.endpoints, 'ns', 'web'), 'endpoints created');
    const ep = h.client.peek(R.endpoints, 'ns', 'web')!;
    assert.equal(ep.metadata.labels![managedByLabel], 'endpoint-controller');
    assert.deepEqual(ep.subsets, [{
      addresses: [{ ip: '10.0.0.2', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' } }],
      notReadyAddresses: [{ ip: '10.0.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'b', uid: 'uid-b' } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    }]);
    const b = h.client.peek(R.pods, 'ns', 'b')!;
    await h.client.update(R.pods, { ...b, status: { ...b.status, conditions: [{ type: 'Ready', status: 'True' }] } }, { subresource: 'status' });
    await waitFor(() => h.client.peek(R.endpoints, 'ns', 'web')?.subsets[0].addresses?.length === 2, 'b ready');
    await h.client.delete(R.services, 'ns', 'web');
    await waitFor(() => !h.client.peek(R.endpoints, 'ns', 'web'), 'own endpoints removed');
    assert.ok(h.client.peek(R.endpoints, 'ns', 'manual'), 'hand-made endpoints of a selector-less service stay');
  } finally {
    await stop();
  }
});
