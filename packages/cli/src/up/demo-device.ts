import { R, isAlreadyExists, type KubeObject } from '@kedge/api';
import type { KubeClient } from '@kedge/core';

export const DEMO_DEVICE = 'demo-thermometer';
/** The demo model and device live in `default`, where `kubectl get device` looks. */
export const DEMO_NAMESPACE = 'default';
const DEMO_MODEL = 'demo-thermometer-model';

/** A DeviceModel for the demo: a read-only temperature and a writable setpoint (KubeEdge v1beta1 shape). */
function demoModel(): KubeObject {
  return {
    apiVersion: 'devices.kubeedge.io/v1beta1',
    kind: 'DeviceModel',
    metadata: { name: DEMO_MODEL, namespace: DEMO_NAMESPACE },
    spec: {
      protocol: 'virtual',
      properties: [
        { name: 'temperature', description: 'room temperature', type: 'DOUBLE', accessMode: 'ReadOnly', unit: 'celsius' },
        { name: 'setpoint', description: 'heating setpoint', type: 'DOUBLE', accessMode: 'ReadWrite', unit: 'celsius', minimum: '5', maximum: '35' },
      ],
    },
  };
}

/** The demo Device on `nodeName`, read by the virtual mapper; its temperature follows a slow sine wave. */
function demoDevice(nodeName: string): KubeObject {
  const visitors = (configData: Record<string, unknown>) => ({ protocolName: 'virtual', configData });
  return {
    apiVersion: 'devices.kubeedge.io/v1beta1',
    kind: 'Device',
    metadata: { name: DEMO_DEVICE, namespace: DEMO_NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'kedge-demo' } },
    spec: {
      deviceModelRef: { name: DEMO_MODEL },
      nodeName,
      protocol: { protocolName: 'virtual', configData: {} },
      properties: [
        { name: 'temperature', visitors: visitors({ kind: 'sine', min: 18, max: 26, periodSeconds: 60 }), collectCycle: 1000, reportCycle: 2000, reportToCloud: true },
        { name: 'setpoint', desired: { value: '21' }, visitors: visitors({ kind: 'counter', min: 21, max: 21, step: 0 }), collectCycle: 1000, reportCycle: 2000, reportToCloud: true },
      ],
      stateReport: { reportToCloud: true, reportCycle: 5000 },
    },
  };
}

/**
 * Creates the demo model and device unless they exist: a resumed `kedge up` keeps what the user changed
 * (a desired value set in the dashboard survives a restart).
 */
export async function ensureDemoDevice(client: KubeClient, nodeName: string): Promise<'created' | 'kept'> {
  let created = false;
  for (const [ref, obj] of [[R.devicemodels, demoModel()], [R.devices, demoDevice(nodeName)]] as const) {
    try {
      await client.create(ref, obj);
      created = true;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
  return created ? 'created' : 'kept';
}
