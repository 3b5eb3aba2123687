/** YAML manifests the kubectl scenarios pipe to `kubectl ... -f -`. */

export const fakeNode = (name: string) => `
apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
    kubernetes.io/hostname: ${name}
    node-role.kubernetes.io/edge: ""
    node-role.kubernetes.io/agent: ""
spec: {}
`;

export const deployment = (opts: { image: string; ports: number[]; replicas?: number; extraField?: string }) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels:
    app: web
spec:
  replicas: ${opts.replicas ?? 2}${opts.extraField ? `\n  ${opts.extraField}` : ''}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: ${opts.image}
        ports:
${opts.ports.map((p) => `        - containerPort: ${p}`).join('\n')}
`;

export const configMap = (name: string, ns: string, data: Record<string, string>, resourceVersion?: string) => JSON.stringify({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, ...(resourceVersion ? { resourceVersion } : {}) },
  data,
});

export const widgetCRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
    shortNames: [wdg]
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
    additionalPrinterColumns:
    - name: Size
      type: integer
      jsonPath: .spec.size
    - name: Color
      type: string
      jsonPath: .spec.color
    - name: Phase
      type: string
      jsonPath: .status.phase
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size:
                type: integer
              color:
                type: string
          status:
            type: object
            properties:
              phase:
                type: string
`;

export const widget = `
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w1
  namespace: default
spec:
  size: 3
  color: blue
`;

export const deviceModelAndDevice = (node: string) => `
apiVersion: devices.kubeedge.io/v1beta1
kind: DeviceModel
metadata:
  name: thermometer-model
  namespace: default
spec:
  protocol: modbus
  properties:
  - name: temperature
    description: temperature in degrees celsius
    type: INT
    accessMode: ReadOnly
    minimum: "-40"
    maximum: "125"
    unit: degree celsius
---
apiVersion: devices.kubeedge.io/v1beta1
kind: Device
metadata:
  name: thermo-1
  namespace: default
spec:
  deviceModelRef:
    name: thermometer-model
  nodeName: ${node}
  protocol:
    protocolName: modbus
    configData:
      slaveID: 1
  properties:
  - name: temperature
    collectCycle: 10000
    reportCycle: 10000
    reportToCloud: true
    desired:
      value: "25"
    visitors:
      protocolName: modbus
      configData:
        register: HoldingRegister
        offset: 2
        limit: 1
`;

export const barePod = (name: string, node: string) => `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: default
  labels:
    app: solo
spec:
  nodeName: ${node}
  containers:
  - name: main
    image: busybox:1.36
    command: ["sleep", "3600"]
`;
