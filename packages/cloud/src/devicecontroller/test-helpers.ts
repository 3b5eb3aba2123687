import type { KubeObject } from '@kedge/api';
import type { Sent } from '../edgecontroller/test-helpers.js';

export const model = (name: string, ns = 'default'): KubeObject => ({
  apiVersion: 'devices.kubeedge.io/v1beta1',
  kind: 'DeviceModel',
  metadata: { name, namespace: ns },
  spec: { protocol: 'modbus', properties: [{ name: 'temp', type: 'FLOAT', accessMode: 'ReadWrite' }, { name: 'mode', type: 'STRING', accessMode: 'ReadWrite' }] },
});

export const device = (name: string, node: string, modelName = 'm', desired = '20', ns = 'default'): KubeObject => ({
  apiVersion: 'devices.kubeedge.io/v1beta1',
  kind: 'Device',
  metadata: { name, namespace: ns },
  spec: {
    deviceModelRef: { name: modelName },
    nodeName: node,
    protocol: { protocolName: 'modbus', configData: { ip: '127.0.0.1', port: 502 } },
    properties: [{ name: 'temp', desired: { value: desired }, reportCycle: 1000, collectCycle: 500 }, { name: 'mode', reportCycle: 1000 }],
  },
});

/** `op resource` lines of what was sent (replies excluded), in order. */
export const lines = (sent: Sent[]) => sent.map((s) => `${s.msg.route.group} ${s.msg.route.operation} ${s.msg.route.resource}`);
