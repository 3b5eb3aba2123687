import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R, type KubeObject } from '@kedge/api';
import { createHarness, waitFor } from '@kedge/core/testing/index.js';
import { FakeHub, edgeNode } from '../edgecontroller/test-helpers.js';
import { createDeviceController } from './index.js';
import { device, lines, model } from './test-helpers.js';

async function setup(seed: (h: ReturnType<typeof createHarness>) => void = () => {}) {
  const h = createHarness();
  const hub = new FakeHub();
  h.client.seed(R.nodes, edgeNode('e1'), edgeNode('e2'));
  seed(h);
  const dc = createDeviceController({ client: h.client, informers: h.informers, hub, log: h.log, statusCoalesceMs: 50 });
  const stop = await h.run(dc);
  return { h, hub, dc, stop };
}

/** Waits until `n` messages went to `node`, then a little longer so extra ones would show. */
async function settle(hub: FakeHub, n: number, node?: string): Promise<string[]> {
  await waitFor(() => hub.resources(node).length >= n, `${n} messages${node ? ` to ${node}` : ''}: ${lines(hub.resources(node)).join(' | ')}`);
  await new Promise((r) => setTimeout(r, 60));
  return lines(hub.resources(node));
}

test('a Device and its model go to spec.nodeName: model first, RV in the header, membership added', async () => {
  const { h, hub, stop } = await setup();
  try {
    await h.client.create(R.devicemodels, model('m'));
    const d = await h.client.create(R.devices, device('d1', 'e1'));
    assert.deepEqual(await settle(hub, 3), [
      'resource insert node/e1/default/devicemodel/m',
      'resource insert node/e1/default/device/d1',
      'twin update node/e1/membership',
    ]);
    const [m, dev, mem] = hub.resources().map((s) => s.msg);
    assert.equal(dev!.header.resourceversion, d.metadata.resourceVersion);
    assert.equal((dev!.content as KubeObject).kind, 'Device');
    assert.equal((dev!.content as KubeObject).apiVersion, 'devices.kubeedge.io/v1beta1');
    assert.equal((dev!.content as KubeObject).spec.properties[0].desired.value, '20');
    assert.equal((m!.content as KubeObject).kind, 'DeviceModel');
    assert.equal(dev!.route.source, 'devicecontroller');
    const content = mem!.content as { added_devices: any[]; removed_devices: any[]; event_id: string; timestamp: number };
    assert.deepEqual(content.removed_devices, []);
    assert.equal(content.added_devices[0].id, 'default/d1');
    assert.equal(content.added_devices[0].name, 'd1');
    assert.deepEqual(content.added_devices[0].twin.temp.expected.value, '20');
    assert.equal(content.added_devices[0].twin.temp.metadata.type, 'float');
    assert.ok(content.event_id && content.timestamp > 0);
  } finally {
    await stop();
  }
});

test('model fan-out, desired change, status-only change, move and deletes', async () => {
  const { h, hub, stop } = await setup((h) => {
    h.client.seed(R.devicemodels, model('m'));
    h.client.seed(R.devices, device('d1', 'e1'), device('d2', 'e2'));
  });
  try {
    await settle(hub, 6);
    assert.deepEqual(lines(hub.resources('e2')), ['resource insert node/e2/default/devicemodel/m', 'resource insert node/e2/default/device/d2', 'twin update node/e2/membership']);
    hub.clear();

    // A new desired value reaches the edge as an update of the Device; a status write does not.
    const d1 = h.client.peek(R.devices, 'default', 'd1')!;
    const upd = await h.client.update(R.devices, { ...d1, spec: { ...d1.spec, properties: [{ ...d1.spec.properties[0], desired: { value: '25' } }] } });
    await h.client.patch(R.devices, 'default', 'd1', 'merge', { status: { state: 'online' } });
    assert.deepEqual(await settle(hub, 1), ['resource update node/e1/default/device/d1']);
    assert.equal(hub.resources()[0]!.msg.header.resourceversion, upd.metadata.resourceVersion);
    assert.equal((hub.resources()[0]!.msg.content as KubeObject).spec.properties[0].desired.value, '25');
    hub.clear();

    // Move d1 to e2: delete (+ membership removal, + the model e1 no longer needs) on e1, insert on e2.
    await h.client.patch(R.devices, 'default', 'd1', 'merge', { spec: { nodeName: 'e2' } });
    assert.deepEqual(await settle(hub, 5), [
      'resource delete node/e1/default/device/d1',
      'twin update node/e1/membership',
      'resource delete node/e1/default/devicemodel/m',
      'resource insert node/e2/default/device/d1',
      'twin update node/e2/membership',
    ]);
    assert.equal((hub.resources()[1]!.msg.content as any).removed_devices[0].id, 'default/d1');
    hub.clear();

    // Deleting d2 keeps the model on e2 (d1 uses it); deleting d1 too removes it.
    await h.client.delete(R.devices, 'default', 'd2');
    assert.deepEqual(await settle(hub, 2), ['resource delete node/e2/default/device/d2', 'twin update node/e2/membership']);
    hub.clear();
    await h.client.delete(R.devices, 'default', 'd1');
    assert.deepEqual(await settle(hub, 3), ['resource delete node/e2/default/device/d1', 'twin update node/e2/membership', 'resource delete node/e2/default/devicemodel/m']);
    assert.ok((hub.resources()[0]!.msg.content as KubeObject).metadata.uid, 'the delete names the object uid');
  } finally {
    await stop();
  }
});

test('a device waits for its Node; a model change goes to every node using it', async () => {
  const { h, hub, stop } = await setup((h) => h.client.seed(R.devicemodels, model('m')));
  try {
    await h.client.create(R.devices, device('d3', 'later'));
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(lines(hub.resources()), []);
    await h.client.create(R.nodes, edgeNode('later'));
    assert.deepEqual(await settle(hub, 3), ['resource insert node/later/default/devicemodel/m', 'resource insert node/later/default/device/d3', 'twin update node/later/membership']);
    hub.clear();
    const m = h.client.peek(R.devicemodels, 'default', 'm')!;
    await h.client.update(R.devicemodels, { ...m, spec: { ...m.spec, protocol: 'opcua' } });
    assert.deepEqual(await settle(hub, 1), ['resource update node/later/default/devicemodel/m']);
  } finally {
    await stop();
  }
});

test('reconnect hands the node its devices and models again; the others are left alone', async () => {
  const { h, hub, stop } = await setup((h) => {
    h.client.seed(R.devicemodels, model('m'));
    h.client.seed(R.devices, device('d1', 'e1'), device('d2', 'e2'));
  });
  try {
    await settle(hub, 6);
    hub.clear();
    hub.connect('e1');
    assert.deepEqual(await settle(hub, 2), ['resource update node/e1/default/devicemodel/m', 'resource update node/e1/default/device/d1']);
    const rv = h.client.peek(R.devices, 'default', 'd1')!.metadata.resourceVersion;
    assert.equal(hub.resources()[1]!.msg.header.resourceversion, rv, 'CloudHub compares this with ObjectSync');
  } finally {
    await stop();
  }
});

test('ObjectSyncs of devices deleted or moved while CloudCore was down become deletes', async () => {
  const sync = (node: string, uid: string, kind: string, name: string): KubeObject => ({
    metadata: { name: `${node}.${uid}`, namespace: 'default' },
    spec: { objectAPIVersion: 'devices.kubeedge.io/v1beta1', objectKind: kind, objectName: name },
    status: { objectResourceVersion: '5' },
  });
  const { h, hub, stop } = await setup((h) => {
    h.client.seed(R.devicemodels, model('m'));
    h.client.seed(R.devices, device('stays', 'e1'));
    const stays = h.client.peek(R.devices, 'default', 'stays')!;
    const m = h.client.peek(R.devicemodels, 'default', 'm')!;
    h.client.seed(R.objectsyncs,
      sync('e1', stays.metadata.uid!, 'Device', 'stays'),
      sync('e1', 'gone-uid', 'Device', 'gone'),
      sync('e2', stays.metadata.uid!, 'Device', 'stays'), // moved to e1 while down
      sync('e2', m.metadata.uid!, 'DeviceModel', 'm'),
      sync('e2', 'pod-uid', 'Pod', 'p')); // not ours
  });
  try {
    await settle(hub, 6);
    const deletes = lines(hub.resources()).filter((l) => l.includes(' delete ')).sort();
    assert.deepEqual(deletes, ['resource delete node/e1/default/device/gone', 'resource delete node/e2/default/device/stays', 'resource delete node/e2/default/devicemodel/m']);
    const gone = hub.resources().find((s) => s.msg.route.resource === 'node/e1/default/device/gone')!.msg.content as KubeObject;
    assert.equal(gone.metadata.uid, 'gone-uid');
  } finally {
    await stop();
  }
});

test('a deleted Node is not sent deletes for its devices; they follow it when it comes back', async () => {
  const { h, hub, stop } = await setup((h) => {
    h.client.seed(R.devicemodels, model('m'));
    h.client.seed(R.devices, device('d1', 'e1'));
  });
  try {
    await settle(hub, 3);
    hub.clear();
    await h.client.delete(R.nodes, undefined, 'e1');
    await waitFor(() => !h.informers.informer(R.nodes).get('e1'), 'node gone from the cache');
    await h.client.create(R.devices, device('marker', 'e2'));
    await settle(hub, 3, 'e2');
    assert.deepEqual(lines(hub.resources('e1')), []);
    await h.client.create(R.nodes, edgeNode('e1'));
    assert.deepEqual(await settle(hub, 3, 'e1'), ['resource insert node/e1/default/devicemodel/m', 'resource insert node/e1/default/device/d1', 'twin update node/e1/membership']);
  } finally {
    await stop();
  }
});
