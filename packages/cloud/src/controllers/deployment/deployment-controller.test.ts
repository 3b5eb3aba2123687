import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { R, type KubeObject } from '@kedge/api';
import { runModules, silentLogger } from '@kedge/core';
import { createInformerFactory } from '@kedge/core/informer/index.js';
import { createFakeKube } from '@kedge/core/testing/index.js';
import { createReplicaSetController } from '../replicaset/index.js';
import { markAllPodsReady, recordingRecorder } from '../replicaset/test-helpers.js';
import { createDaemonSetController } from '../daemonset/index.js';
import { createDeploymentController } from './index.js';
import { NS, deploymentObject, rolloutDone } from './test-harness.js';

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, tick: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick();
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('workload controllers over informers', () => {
  it('roll a Deployment out and back, and place DaemonSet pods, as modules', async () => {
    const fake = createFakeKube();
    const log = silentLogger();
    const informers = createInformerFactory(fake, log);
    const deps = { client: fake, informers, log, recorder: recordingRecorder() };
    const mods = [createDeploymentController(deps), createReplicaSetController(deps), createDaemonSetController(deps)];
    const ac = new AbortController();
    const running = runModules([{ name: 'informers', start: (s) => informers.start(s) }, ...mods], ac.signal);
    const kubelet = () => markAllPodsReady(fake, NS, Date.now());
    try {
      fake.seed(R.deployments, deploymentObject('web', 3));
      fake.seed(R.nodes, { metadata: { name: 'edge-1' }, spec: {} });
      fake.seed(R.daemonsets, { metadata: { name: 'agent', namespace: NS, generation: 1 }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'a' }] } } } });
      const dep = () => fake.peek(R.deployments, NS, 'web')!;
      await waitFor('first rollout', () => rolloutDone(dep()), kubelet);
      const podsOfWeb = () => fake.all(R.pods, NS).filter((p) => p.metadata.labels?.app === 'web');
      assert.equal(podsOfWeb().length, 3);

      const v1 = fake.all(R.replicasets, NS)[0]!;
      const cur = dep();
      cur.spec.template.spec.containers[0].image = 'nginx:2';
      cur.metadata.generation = 2;
      await fake.update(R.deployments, cur);
      await waitFor('second rollout', () => rolloutDone(dep()) && dep().status.observedGeneration === 2, kubelet);
      assert.equal(fake.all(R.replicasets, NS).length, 2);

      const undo: KubeObject = dep();
      const t = structuredClone(v1.spec.template);
      delete t.metadata.labels['pod-template-hash'];
      undo.spec.template = t;
      undo.metadata.generation = 3;
      await fake.update(R.deployments, undo);
      await waitFor('undo', () => rolloutDone(dep()) && dep().status.observedGeneration === 3, kubelet);
      assert.equal(fake.all(R.replicasets, NS).length, 2);
      assert.equal(fake.peek(R.replicasets, NS, String(v1.metadata.name))!.metadata.annotations!['deployment.kubernetes.io/revision'], '3');
      await waitFor('old pods gone', () => podsOfWeb().length === 3, kubelet);

      await waitFor('daemon pod', () => fake.all(R.pods, NS).some((p) => p.metadata.labels?.app === 'agent'), kubelet);
    } finally {
      ac.abort();
      await running;
    }
  });
});
