import assert from 'node:assert/strict';
import { waitFor } from './harness/index.js';
import { fails, kubectlSuite, ok } from './kubectl-suite.js';
import { barePod, deployment, deviceModelAndDevice, fakeNode, widget, widgetCRD } from './manifests.js';

const NODE = 'fake-edge-1';
const s = kubectlSuite({ nodeName: NODE });
const k = (args: string[], input?: string, timeoutMs?: number) => s.kubectl(args, { input, timeoutMs });
const jsonpath = async (args: string[], path: string) => ok(await k([...args, '-o', `jsonpath=${path}`]), `get ${args.join(' ')} ${path}`);

s.it('kubectl version reports a v1.32 server', async () => {
  const out = ok(await k(['version']), 'kubectl version');
  assert.match(out, /Server Version: v1\.32\.\d+/);
});

s.it('api-resources lists core, apps, coordination, CRDs and KubeEdge devices with short names', async () => {
  const out = ok(await k(['api-resources']), 'kubectl api-resources');
  assert.match(out, /^pods\s+po\s+v1\s+true\s+Pod$/m);
  assert.match(out, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
  assert.match(out, /^leases\s+(\S+\s+)?coordination\.k8s\.io\/v1\s+true\s+Lease$/m);
  assert.match(out, /^customresourcedefinitions\s+crd,crds\s+apiextensions\.k8s\.io\/v1\s+false\s+CustomResourceDefinition$/m);
  assert.match(out, /^devices\s+(\S+\s+)?devices\.kubeedge\.io\/v1beta1\s+true\s+Device$/m);
});

s.it('api-versions lists every served group/version', async () => {
  const lines = ok(await k(['api-versions']), 'kubectl api-versions').split('\n');
  for (const gv of ['v1', 'apps/v1', 'coordination.k8s.io/v1', 'apiextensions.k8s.io/v1', 'devices.kubeedge.io/v1beta1']) assert.ok(lines.includes(gv), `${gv} in ${lines.join(',')}`);
});

s.it('create ns and create configmap (protobuf bodies), get them back', async () => {
  assert.match(ok(await k(['create', 'ns', 'e2e-ns']), 'create ns'), /namespace\/e2e-ns created/);
  assert.match(ok(await k(['create', 'configmap', 'cm1', '-n', 'e2e-ns', '--from-literal=a=1', '--from-literal=b=two']), 'create cm'), /configmap\/cm1 created/);
  assert.match(ok(await k(['get', 'ns']), 'get ns'), /^e2e-ns\s+Active\s+\d+s$/m);
  const yaml = ok(await k(['get', 'cm', 'cm1', '-n', 'e2e-ns', '-o', 'yaml']), 'get cm -o yaml');
  assert.match(yaml, /^ {2}a: "1"$/m);
  assert.match(yaml, /^ {2}b: two$/m);
  assert.match(yaml, /^ {2}resourceVersion: "\d+"$/m);
  assert.match(ok(await k(['get', 'cm', '-n', 'e2e-ns']), 'get cm'), /^cm1\s+2\s+\d+s$/m);
});

s.it('a fake node registered through the API becomes Ready', async () => {
  assert.match(ok(await k(['create', '-f', '-'], fakeNode(NODE)), 'create node'), new RegExp(`node/${NODE} created`));
  s.kubelet!.start();
  await waitFor(async () => /\bReady\b/.test(ok(await k(['get', 'node', NODE]), 'get node')), { timeoutMs: 15_000, message: 'node Ready' });
  const out = ok(await k(['get', 'nodes']), 'get nodes');
  assert.match(out, new RegExp(`^${NODE}\\s+Ready\\s+agent,edge\\s+\\d+s\\s+v1\\.32\\.4-fake$`, 'm'));
});

s.it('apply a Deployment, re-apply with a new image and an extra port (SMP keeps both ports), rollout status', async () => {
  assert.match(ok(await k(['apply', '-f', '-'], deployment({ image: 'nginx:1.25', ports: [80] })), 'apply #1'), /deployment.apps\/web created/);
  assert.match(ok(await k(['apply', '-f', '-'], deployment({ image: 'nginx:1.26', ports: [80, 8080] })), 'apply #2'), /deployment.apps\/web configured/);
  assert.equal(await jsonpath(['get', 'deploy', 'web'], '{.spec.template.spec.containers[0].image}'), 'nginx:1.26');
  assert.equal(await jsonpath(['get', 'deploy', 'web'], '{.spec.template.spec.containers[0].ports[*].containerPort}'), '80 8080');
  const out = ok(await k(['rollout', 'status', 'deployment/web', '--timeout=60s'], undefined, 70_000), 'rollout status');
  assert.match(out, /successfully rolled out/);
}, 90_000);

s.it('scale to 3 puts 3 Running pods on the fake node; get pods -o wide shows the columns', async () => {
  assert.match(ok(await k(['scale', 'deployment/web', '--replicas=3']), 'scale'), /deployment.apps\/web scaled/);
  const rows = await waitFor(async () => {
    const out = ok(await k(['get', 'pods', '-l', 'app=web', '-o', 'wide']), 'get pods -o wide');
    const running = out.split('\n').filter((l) => new RegExp(`^web-\\S+\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+10\\.244\\.\\S+\\s+${NODE}\\b`).test(l));
    return running.length === 3 && !/Terminating/.test(out) ? out : undefined;
  }, { timeoutMs: 30_000, message: '3 Running pods on the fake node' });
  assert.match(rows.split('\n')[0]!, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\b/);
  assert.equal(await jsonpath(['get', 'deploy', 'web'], '{.status.readyReplicas}'), '3');
}, 60_000);

s.it('rollout undo returns to the previous image; rollout restart stamps the template', async () => {
  ok(await k(['rollout', 'undo', 'deployment/web']), 'rollout undo');
  assert.equal(await jsonpath(['get', 'deploy', 'web'], '{.spec.template.spec.containers[0].image}'), 'nginx:1.25');
  ok(await k(['rollout', 'status', 'deployment/web', '--timeout=60s'], undefined, 70_000), 'rollout status after undo');
  assert.match(ok(await k(['rollout', 'restart', 'deployment/web']), 'rollout restart'), /restarted/);
  assert.match(await jsonpath(['get', 'deploy', 'web'], '{.spec.template.metadata.annotations}'), /kubectl\.kubernetes\.io\/restartedAt/);
  ok(await k(['rollout', 'status', 'deployment/web', '--timeout=60s'], undefined, 70_000), 'rollout status after restart');
  const rs = ok(await k(['get', 'rs', '-l', 'app=web', '-o', 'name']), 'get rs').trim().split('\n');
  assert.ok(rs.length >= 3, `one ReplicaSet per template revision: ${rs.join(', ')}`);
}, 150_000);

s.it('get all, wait --for=condition=Ready, describe node', async () => {
  const all = ok(await k(['get', 'all']), 'get all');
  for (const re of [/^pod\/web-/m, /^deployment\.apps\/web\s/m, /^replicaset\.apps\/web-/m]) assert.match(all, re);
  const pod = ok(await k(['get', 'pods', '-l', 'app=web', '-o', 'name']), 'get pods -o name').trim().split('\n')[0]!;
  assert.match(ok(await k(['wait', '--for=condition=Ready', pod, '--timeout=30s'], undefined, 40_000), 'wait'), /condition met/);
  const desc = ok(await k(['describe', 'node', NODE]), 'describe node');
  assert.match(desc, new RegExp(`^Name:\\s+${NODE}$`, 'm'));
  assert.match(desc, /Non-terminated Pods:\s+\(\d+ in total\)/);
  assert.match(desc, /^\s+default\s+web-\S+/m);
  assert.match(desc, new RegExp(`HolderIdentity:\\s+${NODE}`));
}, 60_000);

s.it('label, annotate, cordon and uncordon', async () => {
  ok(await k(['label', 'cm', 'cm1', '-n', 'e2e-ns', 'tier=edge']), 'label');
  ok(await k(['annotate', 'cm', 'cm1', '-n', 'e2e-ns', 'owner=e2e']), 'annotate');
  assert.equal(await jsonpath(['get', 'cm', 'cm1', '-n', 'e2e-ns'], '{.metadata.labels.tier}/{.metadata.annotations.owner}'), 'edge/e2e');
  assert.match(ok(await k(['cordon', NODE]), 'cordon'), /cordoned/);
  assert.equal(await jsonpath(['get', 'node', NODE], '{.spec.unschedulable}'), 'true');
  assert.match(ok(await k(['get', 'node', NODE]), 'get node'), /Ready,SchedulingDisabled/);
  assert.match(ok(await k(['uncordon', NODE]), 'uncordon'), /uncordoned/);
  assert.equal(await jsonpath(['get', 'node', NODE], '{.spec.unschedulable}'), '');
});

s.it('diff -f shows the change and persists nothing', async () => {
  const before = await jsonpath(['get', 'deploy', 'web'], '{.metadata.resourceVersion}');
  const r = await k(['diff', '-f', '-'], deployment({ image: 'nginx:1.27', ports: [80, 8080], replicas: 3 }));
  assert.equal(r.code, 1, `diff exit 1 means "differences found"\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stdout, /^\+\s+- image: nginx:1\.27$|^\+\s+image: nginx:1\.27$/m);
  assert.equal(await jsonpath(['get', 'deploy', 'web'], '{.metadata.resourceVersion}'), before);
  assert.equal(await jsonpath(['get', 'deploy', 'web'], '{.spec.template.spec.containers[0].image}'), 'nginx:1.25');
});

s.it('get -w streams ADDED and DELETED lines', async () => {
  const w = s.kubectl.stream(['get', 'cm', '-n', 'e2e-ns', '-w', '--output-watch-events']);
  try {
    await w.waitForOutput(/^ADDED\s+cm1\s/m);
    ok(await k(['create', 'cm', 'watch-me', '-n', 'e2e-ns', '--from-literal=x=y']), 'create cm');
    await w.waitForOutput(/^ADDED\s+watch-me\s+1\s/m);
    ok(await k(['delete', 'cm', 'watch-me', '-n', 'e2e-ns']), 'delete cm');
    await w.waitForOutput(/^DELETED\s+watch-me\s/m);
    assert.equal(w.output().match(/^EVENT\s+NAME\s+DATA\s+AGE$/gm)?.length, 1, `one header:\n${w.output()}`);
  } finally {
    await w.kill();
  }
});

s.it('a CRD with printer columns and a status subresource, then a custom resource', async () => {
  ok(await k(['apply', '-f', '-'], widgetCRD), 'apply crd');
  ok(await k(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=20s'], undefined, 30_000), 'wait established');
  assert.match(ok(await k(['apply', '-f', '-'], widget), 'apply widget'), /widget.example.com\/w1 created/);
  ok(await k(['patch', 'widget', 'w1', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Ready"}}']), 'patch status');
  const out = ok(await k(['get', 'wdg']), 'get widgets');
  assert.match(out, /^NAME\s+SIZE\s+COLOR\s+PHASE\s+AGE$/m);
  assert.match(out, /^w1\s+3\s+blue\s+Ready\s+\d+s$/m);
  assert.equal(await jsonpath(['get', 'widget', 'w1'], '{.metadata.generation}'), '1');
});

s.it('KubeEdge DeviceModel and Device (devices.kubeedge.io/v1beta1)', async () => {
  const out = ok(await k(['apply', '-f', '-'], deviceModelAndDevice(NODE)), 'apply device');
  assert.match(out, /devicemodel.devices.kubeedge.io\/thermometer-model created/);
  assert.match(out, /device.devices.kubeedge.io\/thermo-1 created/);
  assert.equal(await jsonpath(['get', 'device', 'thermo-1'], '{.spec.deviceModelRef.name}/{.spec.nodeName}'), `thermometer-model/${NODE}`);
  assert.match(ok(await k(['get', 'devices']), 'get devices'), new RegExp(`^thermo-1\\s+${NODE}\\s+modbus\\s+`, 'm'));
});

s.it('explain deployment.spec.strategy and pods.spec.containers', async () => {
  const strat = ok(await k(['explain', 'deployment.spec.strategy']), 'explain strategy');
  assert.match(strat, /^FIELD:\s+strategy <DeploymentStrategy>/m);
  assert.match(strat, /rollingUpdate\s+<RollingUpdateDeployment>/);
  const cont = ok(await k(['explain', 'pods.spec.containers']), 'explain containers');
  assert.match(cont, /^FIELD:\s+containers <\[\]Container>/m);
  assert.match(cont, /^\s+image\s+<string>/m);
});

s.it('logs and exec fail with a clear error, not a crash', async () => {
  ok(await k(['apply', '-f', '-'], barePod('solo', NODE)), 'apply pod');
  await waitFor(async () => (await jsonpath(['get', 'pod', 'solo'], '{.status.phase}')) === 'Running', { timeoutMs: 15_000, message: 'solo Running' });
  for (const args of [['logs', 'solo'], ['exec', 'solo', '--', 'true']]) {
    const err = fails(await k(args, undefined, 20_000), args.join(' '));
    assert.match(err, /^error: |^Error from server/m, err);
    assert.doesNotMatch(err, /panic|goroutine|EOF$/m);
  }
  assert.match(ok(await k(['version']), 'version after logs/exec'), /Server Version/);
});

s.it('delete deployment cascades to ReplicaSets and pods', async () => {
  assert.match(ok(await k(['delete', 'deployment', 'web', '--timeout=60s'], undefined, 70_000), 'delete deploy'), /deployment.apps "web" deleted/);
  await waitFor(async () => ok(await k(['get', 'rs,pods', '-l', 'app=web', '-o', 'name']), 'get rs,pods').trim() === '', { timeoutMs: 45_000, message: 'ReplicaSets and pods of web gone' });
}, 90_000);

s.it('delete ns removes the namespace after its objects', async () => {
  ok(await k(['delete', 'ns', 'e2e-ns', '--timeout=60s'], undefined, 70_000), 'delete ns');
  const r = await k(['get', 'ns', 'e2e-ns']);
  assert.match(fails(r, 'get deleted ns'), /namespaces "e2e-ns" not found/);
  assert.match(fails(await k(['get', 'cm', 'cm1', '-n', 'e2e-ns']), 'get cm in deleted ns'), /not found/);
}, 90_000);
