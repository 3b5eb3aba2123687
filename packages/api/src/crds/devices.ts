import type { KubeObject } from '../meta.js';
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

const pushMethod = obj({
  http: free(),
  mqtt: free(),
  otel: free(),
  dbMethod: free('Database used to store device data'),
}, { 'x-kubernetes-preserve-unknown-fields': true, description: 'PushMethod represents the protocol used to push data.' });

const deviceProperty = obj({
  name: str('Required: The device property name to be accessed. It must be unique.'),
  desired: twinProperty,
  visitors: protocolConfig,
  reportCycle: int('Define how frequent mapper will report the value.'),
  collectCycle: int('Define how frequent mapper will collect from device.'),
  reportToCloud: bool('whether be reported to the cloud'),
  pushMethod,
});

const deviceMethod = obj({
  name: str('Required: The device method name to be accessed. It must be unique.'),
  description: str(),
  propertyNames: arr(str(), 'PropertyNames are list of device properties that device methods can control.'),
});

const twin = obj({
  propertyName: str('Required: The property name for which the desired/reported values are specified.'),
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
    // Upstream v1beta1 Device has no status subresource: mappers and cloudcore write status with a plain update.
    schema: root(
      obj({
        deviceModelRef: obj({ name: str() }, { description: 'Required: DeviceModelRef is reference to the device model used as a template to create the device instance.' }),
        nodeName: str('NodeName is a request to schedule this device onto a specific node.'),
        protocol: protocolConfig,
        properties: arr(deviceProperty, 'List of properties which describe the device properties.'),
        methods: arr(deviceMethod, 'List of methods of device.'),
        stateReport: obj({ reportToCloud: bool(), reportCycle: int() }),
      }, { description: 'DeviceSpec represents a single device instance.' }),
      obj({
        twins: arr(twin, 'A list of device twins containing desired/reported desired/reported values of twin properties.'),
        state: str('Optional: The state of the device.'),
        lastOnlineTime: str('Optional: The last time the device was online.'),
        reportToCloud: bool('Optional: whether be reported to the cloud'),
        reportCycle: int('Optional: Define how frequent mapper will report the value.'),
        extensions: free(),
      }, { description: 'DeviceStatus reports the device state and the desired/reported values of twin attributes.' }),
      'Device is the Schema for the devices API',
    ),
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
        properties: arr(obj({
          name: str('Required: The device property name.'),
          description: str('The device property description.'),
          type: { type: 'string', enum: ['INT', 'FLOAT', 'DOUBLE', 'STRING', 'BOOLEAN', 'BYTES', 'STREAM'], description: 'Required: Type of device property.' },
          accessMode: { type: 'string', enum: ['ReadWrite', 'ReadOnly'], description: 'Required: Access mode of property, ReadWrite or ReadOnly.' },
          minimum: str(),
          maximum: str(),
          unit: str('The unit of the property'),
          visitors: free(),
        }), 'Required: List of device properties.'),
      }, { description: 'DeviceModelSpec defines the model for a device.' }),
      undefined,
      'DeviceModel is the Schema for the device model API',
    ),
  }],
});
