import type { KubeObject } from '../meta.js';
import type { JSONSchema } from '../schema/types.js';
import { arr, bool, free, int, makeCRD, obj, root, str, stringMap } from './crd.js';

// Field names follow KubeEdge's devices/v1beta1 Go types (kubeedge/api apis/devices/v1beta1).

const twinProperty = obj({
  value: str('The value for this property.'),
  metadata: stringMap('Additional metadata like timestamp when the value was reported etc.'),
}, { required: ['value'] });

const protocolConfig = obj({
  protocolName: str('Unique protocol name. Required.'),
  configData: free('Any config data'),
});

/** Device.spec.protocol: unlike a property's visitors, the device's own protocol must be named (mappers are picked by it). */
const deviceProtocol: JSONSchema = { ...protocolConfig, required: ['protocolName'], properties: { ...protocolConfig.properties, protocolName: { ...str('Unique protocol name. Required.'), minLength: 1 } } };

/** Property and method names key twins, MQTT payloads and SQLite rows on the edge: non-empty and unique per list. */
const name = (description: string): JSONSchema => ({ ...str(description), minLength: 1 });
const cycle = (description: string): JSONSchema => ({ ...int(description), minimum: 0 });

const withRequired = (s: JSONSchema, required: string[]): JSONSchema => ({ ...s, required });

/** A list of objects keyed by `key` (apiextensions requires list-map keys to be required). */
const listMap = (items: JSONSchema, key: string, description: string): JSONSchema => ({
  ...arr({ ...items, required: [...new Set([...(items.required ?? []), key])] }, description),
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': [key],
});

const pushMethod = obj({
  http: free(),
  mqtt: free(),
  otel: free(),
  dbMethod: free('Database used to store device data'),
}, { 'x-kubernetes-preserve-unknown-fields': true, description: 'PushMethod represents the protocol used to push data.' });

const deviceProperty = obj({
  name: name('Required: The device property name to be accessed. It must be unique.'),
  desired: twinProperty,
  visitors: protocolConfig,
  reportCycle: cycle('Define how frequent mapper will report the value (ms, >= 0).'),
  collectCycle: cycle('Define how frequent mapper will collect from device (ms, >= 0).'),
  reportToCloud: bool('whether be reported to the cloud'),
  pushMethod,
});

const deviceMethod = obj({
  name: name('Required: The device method name to be accessed. It must be unique.'),
  description: str(),
  propertyNames: arr(str(), 'PropertyNames are list of device properties that device methods can control.'),
});

const twin = obj({
  propertyName: name('Required: The property name for which the desired/reported values are specified.'),
  reported: twinProperty,
  observedDesired: twinProperty,
});

export const deviceCRD: KubeObject = makeCRD({
  group: 'devices.kubeedge.io',
  kind: 'Device',
  plural: 'devices',
  singular: 'device',
  scope: 'Namespaced',
  versions: [{
    name: 'v1beta1',
    // `spec` is required so an empty Device is refused by name (spec.deviceModelRef, spec.protocol) rather than stored.
    // Upstream v1beta1 Device has no status subresource: mappers and cloudcore write status with a plain update.
    schema: withRequired(root(
      obj({
        deviceModelRef: obj({ name: name('Name of the DeviceModel (same namespace).') }, { required: ['name'], description: 'Required: DeviceModelRef is reference to the device model used as a template to create the device instance.' }),
        nodeName: str('NodeName is a request to schedule this device onto a specific node.'),
        protocol: deviceProtocol,
        properties: listMap(deviceProperty, 'name', 'List of properties which describe the device properties.'),
        methods: listMap(deviceMethod, 'name', 'List of methods of device.'),
        stateReport: obj({ reportToCloud: bool(), reportCycle: cycle('How often the mapper reports the device state (ms, >= 0).') }),
      }, { required: ['deviceModelRef', 'protocol'], description: 'DeviceSpec represents a single device instance.' }),
      obj({
        twins: listMap(twin, 'propertyName', 'A list of device twins containing desired/reported desired/reported values of twin properties.'),
        state: str('Optional: The state of the device.'),
        lastOnlineTime: str('Optional: The last time the device was online.'),
        reportToCloud: bool('Optional: whether be reported to the cloud'),
        reportCycle: int('Optional: Define how frequent mapper will report the value.'),
        extensions: free(),
      }, { description: 'DeviceStatus reports the device state and the desired/reported values of twin attributes.' }),
      'Device is the Schema for the devices API',
    ), ['spec']),
    printerColumns: [
      { name: 'Node', type: 'string', jsonPath: '.spec.nodeName' },
      { name: 'Protocol', type: 'string', jsonPath: '.spec.protocol.protocolName' },
      { name: 'State', type: 'string', jsonPath: '.status.state' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
  }],
});

export const deviceModelCRD: KubeObject = makeCRD({
  group: 'devices.kubeedge.io',
  kind: 'DeviceModel',
  plural: 'devicemodels',
  singular: 'devicemodel',
  scope: 'Namespaced',
  versions: [{
    name: 'v1beta1',
    schema: root(
      obj({
        protocol: str('Required: Protocol name used by the device.'),
        protocolConfigData: free(),
        properties: listMap(obj({
          name: name('Required: The device property name.'),
          description: str('The device property description.'),
          type: { type: 'string', enum: ['INT', 'FLOAT', 'DOUBLE', 'STRING', 'BOOLEAN', 'BYTES', 'STREAM'], description: 'Required: Type of device property.' },
          accessMode: { type: 'string', enum: ['ReadWrite', 'ReadOnly'], description: 'Required: Access mode of property, ReadWrite or ReadOnly.' },
          minimum: str(),
          maximum: str(),
          unit: str('The unit of the property'),
          visitors: free(),
        }, { required: ['type'] }), 'name', 'Required: List of device properties.'),
      }, { description: 'DeviceModelSpec defines the model for a device.' }),
      undefined,
      'DeviceModel is the Schema for the device model API',
    ),
  }],
});
