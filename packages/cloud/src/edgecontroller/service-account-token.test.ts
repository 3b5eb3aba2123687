import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '@kedge/api';
import { createHarness } from '@kedge/core/testing/index.js';
import { createEdgeController } from './index.js';
import { FakeHub, edgeMsg, edgeNode, podOn } from './test-helpers.js';

async function setup() {
  const h = createHarness();
  const hub = new FakeHub();
  h.client.seed(R.nodes, edgeNode('a'), edgeNode('b'));
  h.client.seed(R.serviceaccounts, { metadata: { name: 'app', namespace: 'default' } }, { metadata: { name: 'default', namespace: 'default' } });
  h.client.seed(R.pods, podOn('pa', 'a', { serviceAccountName: 'app' }), podOn('pb', 'b', { serviceAccountName: 'app' }), podOn('pd', 'a'));
  // The API server's serviceaccounts/token endpoint is tested in apiserver/sa-token; here it echoes the request with a status.
  h.client.prependReactor('create', 'serviceaccounts', (a) => {
    if (a.subresource !== 'token') return undefined;
    return { ...(a.object as object), status: { token: `tok-${a.namespace}-${a.name}`, expirationTimestamp: '2026-03-01T13:00:00Z' } };
  });
  const ctl = createEdgeController({ client: h.client, informers: h.informers, hub, log: h.log });
  const stop = await h.run(ctl);
  return { h, hub, stop };
}

const tokenRequest = (pod: string, uid?: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: { name: 'app', namespace: 'default' },
  spec: { audiences: ['api'], expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod, ...(uid ? { uid } : {}) }, ...extra },
});

test('serviceaccounttoken query: a token for its own pod\'s service account, bound to that pod', async () => {
  const { h, hub, stop } = await setup();
  try {
    const uid = h.client.peek(R.pods, 'default', 'pa')!.metadata.uid!;
    const reply = await hub.request('a', edgeMsg('query', 'default/serviceaccounttoken/app', JSON.stringify(tokenRequest('pa', uid))));
    assert.equal(reply.route.operation, 'response', JSON.stringify(reply.content));
    const content = reply.content as any;
    assert.equal(content.status.token, 'tok-default-app');
    assert.equal(content.kind, 'TokenRequest');
    const call = h.client.actions.find((x) => x.verb === 'create' && x.subresource === 'token')!;
    assert.deepEqual({ ns: call.namespace, name: call.name }, { ns: 'default', name: 'app' });
    assert.deepEqual((call.object as any).spec, { audiences: ['api'], expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'pa', uid } });

    // The pod without serviceAccountName runs as "default".
    const dflt = await hub.request('a', edgeMsg('query', 'default/serviceaccounttoken/default', { ...tokenRequest('pd'), metadata: { name: 'default', namespace: 'default' } }));
    assert.equal(dflt.route.operation, 'response');
  } finally {
    await stop();
  }
});

test('serviceaccounttoken query: refused for another node\'s pod, another SA, a stale uid or no bound pod', async () => {
  const { h, hub, stop } = await setup();
  try {
    const refused = async (node: string, resource: string, content: unknown, re: RegExp) => {
      const reply = await hub.request(node, edgeMsg('query', resource, content));
      assert.equal(reply.route.operation, 'error');
      assert.match(String(reply.content), re);
    };
    await refused('a', 'default/serviceaccounttoken/app', tokenRequest('pb'), /node "a" may not request tokens for pod default\/pb/);
    await refused('a', 'default/serviceaccounttoken/default', tokenRequest('pa'), /serviceaccount default\/default \(pod pa runs as app\)/);
    await refused('a', 'default/serviceaccounttoken/app', tokenRequest('pa', 'stale-uid'), /with uid stale-uid/);
    await refused('a', 'default/serviceaccounttoken/app', { spec: { audiences: ['api'] } }, /not bound to one of its pods/);
    await refused('a', 'default/serviceaccounttoken/app', 'not json', /content is not valid JSON/);
    assert.equal(h.client.actions.filter((x) => x.subresource === 'token').length, 0);
  } finally {
    await stop();
  }
});
