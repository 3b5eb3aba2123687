// Realistic upstream manifests (as users and kubectl write them) used by the schema tests: none of
// their fields may be reported as unknown by the built-in schemas.

const podTemplateSpec = {
  metadata: { labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' } },
  spec: {
    serviceAccountName: 'web',
    automountServiceAccountToken: false,
    terminationGracePeriodSeconds: 30,
    securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }] },
    imagePullSecrets: [{ name: 'regcred' }],
    initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['sh', '-c', 'echo init'], restartPolicy: 'Always' }],
    containers: [
      {
        name: 'web',
        image: 'nginx:1.27',
        imagePullPolicy: 'IfNotPresent',
        args: ['--port', '8080'],
        workingDir: '/srv',
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        env: [
          { name: 'MODE', value: 'prod' },
          { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'MEM_LIMIT', valueFrom: { resourceFieldRef: { containerName: 'web', resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'CFG', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'mode', optional: true } } },
          { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'web-secret', key: 'password' } } },
        ],
        envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'web-config' } }, { secretRef: { name: 'web-secret', optional: true } }],
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: 1, memory: '128Mi', 'nvidia.com/gpu': 1 } },
        resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
        volumeMounts: [
          { name: 'data', mountPath: '/data' },
          { name: 'config', mountPath: '/etc/web', readOnly: true, subPath: 'web.conf', mountPropagation: 'None' },
        ],
        livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: '1' }] }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 1 },
        readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5 },
        startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, failureThreshold: 30, periodSeconds: 2, terminationGracePeriodSeconds: 10 },
        lifecycle: { postStart: { exec: { command: ['sh', '-c', 'true'] } }, preStop: { sleep: { seconds: 5 } } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'FallbackToLogsOnError',
        stdin: false,
        tty: false,
      },
      { name: 'grpc', image: 'example/grpc:1', livenessProbe: { grpc: { port: 9090, service: 'health' } } },
    ],
    volumes: [
      { name: 'data', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
      { name: 'config', configMap: { name: 'web-config', defaultMode: 420, items: [{ key: 'web.conf', path: 'web.conf' }] } },
      { name: 'secret', secret: { secretName: 'web-secret', optional: false } },
      { name: 'pvc', persistentVolumeClaim: { claimName: 'data', readOnly: false } },
      { name: 'nfs', nfs: { server: 'nfs.example', path: '/exports' } },
      { name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
      {
        name: 'projected',
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { path: 'token', expirationSeconds: 3607, audience: 'api' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
        },
      },
      { name: 'csi', csi: { driver: 'csi.example.com', volumeAttributes: { a: 'b' } } },
    ],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'node-role.kubernetes.io/edge', operator: 'Exists' }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } }],
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } }],
      },
      podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] }, namespaces: ['db'] }] },
    },
    tolerations: [
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'dedicated', operator: 'Equal', value: 'edge', effect: 'NoSchedule' },
    ],
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }],
    dnsPolicy: 'ClusterFirst',
    dnsConfig: { nameservers: ['1.1.1.1'], searches: ['svc.cluster.local'], options: [{ name: 'ndots', value: '2' }] },
    hostAliases: [{ ip: '10.0.0.1', hostnames: ['db.local'] }],
    priorityClassName: 'high',
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    os: { name: 'linux' },
    readinessGates: [{ conditionType: 'example.com/ready' }],
    enableServiceLinks: false,
  },
};

export const manifests: Record<string, { group: string; version: string; kind: string; body: Record<string, unknown> }> = {
  deployment: {
    group: 'apps', version: 'v1', kind: 'Deployment',
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web', namespace: 'default', labels: { app: 'web' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '1' },
        uid: '8d1f7b6c-0000-4000-8000-000000000001', resourceVersion: '42', generation: 2, creationTimestamp: '2026-01-01T00:00:00Z',
        finalizers: ['example.com/protect'],
        managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }],
      },
      spec: {
        replicas: 3,
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        minReadySeconds: 0,
        paused: false,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: podTemplateSpec,
      },
      status: {
        observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3,
        conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'MinimumReplicasAvailable', message: 'ok' }],
      },
    },
  },
  pod: {
    group: '', version: 'v1', kind: 'Pod',
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'u1', controller: true, blockOwnerDeletion: true }] },
      spec: { ...podTemplateSpec.spec, nodeName: 'edge-1', hostNetwork: true, hostPID: false, hostIPC: false, hostname: 'web-1', subdomain: 'web', setHostnameAsFQDN: false, shareProcessNamespace: true, priority: 1000, preemptionPolicy: 'PreemptLowerPriority', runtimeClassName: 'runc', overhead: { cpu: '10m' }, activeDeadlineSeconds: 3600, schedulingGates: [{ name: 'example.com/gate' }] },
      status: {
        phase: 'Running', qosClass: 'Burstable', hostIP: '10.0.0.5', hostIPs: [{ ip: '10.0.0.5' }], podIP: '10.244.0.7', podIPs: [{ ip: '10.244.0.7' }], startTime: '2026-01-01T00:00:00Z',
        conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:00Z' }],
        containerStatuses: [{
          name: 'web', ready: true, started: true, restartCount: 1, image: 'nginx:1.27', imageID: 'docker.io/library/nginx@sha256:abc', containerID: 'containerd://abc',
          state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
          lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z', containerID: 'containerd://old' } },
        }],
        initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, image: 'busybox:1.36', imageID: '', state: { waiting: { reason: 'PodInitializing' } } }],
      },
    },
  },
  service: {
    group: '', version: 'v1', kind: 'Service',
    body: {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' },
      spec: {
        type: 'LoadBalancer', selector: { app: 'web' }, clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', nodePort: 30080, appProtocol: 'http' }, { name: 'metrics', port: 9090, targetPort: 9090 }],
        externalIPs: ['192.0.2.1'], sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } }, externalTrafficPolicy: 'Local', internalTrafficPolicy: 'Cluster',
        loadBalancerSourceRanges: ['0.0.0.0/0'], allocateLoadBalancerNodePorts: true, publishNotReadyAddresses: false,
      },
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.10', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP' }] }] } },
    },
  },
  configmap: {
    group: '', version: 'v1', kind: 'ConfigMap',
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'default' }, data: { mode: 'prod', 'web.conf': 'listen 8080;' }, binaryData: { blob: 'AAEC' }, immutable: false },
  },
  secret: {
    group: '', version: 'v1', kind: 'Secret',
    body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-secret', namespace: 'default' }, type: 'Opaque', data: { password: 'cGFzcw==' }, stringData: { user: 'admin' }, immutable: true },
  },
  node: {
    group: '', version: 'v1', kind: 'Node',
    body: {
      apiVersion: 'v1', kind: 'Node', metadata: { name: 'edge-1', labels: { 'node-role.kubernetes.io/edge': '' } },
      spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], providerID: 'kedge://edge-1', unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: '2026-01-01T00:00:00Z' }] },
      status: {
        capacity: { cpu: '4', memory: '8Gi', pods: '110' },
        allocatable: { cpu: '3800m', memory: '7Gi', pods: 110 },
        conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'EdgeReady', message: 'edge is posting ready status' }],
        addresses: [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'edge-1' }],
        daemonEndpoints: { kubeletEndpoint: { Port: 10350 } },
        nodeInfo: { machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.1', osImage: 'Debian', containerRuntimeVersion: 'containerd://1.7', kubeletVersion: 'v1.32.0-kubeedge', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
        images: [{ names: ['nginx:1.27'], sizeBytes: 70000000 }],
        phase: 'Running',
      },
    },
  },
  lease: {
    group: 'coordination.k8s.io', version: 'v1', kind: 'Lease',
    body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'edge-1', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'edge-1', leaseDurationSeconds: 40, acquireTime: '2026-01-01T00:00:00.000000Z', renewTime: '2026-01-01T00:00:10.123456Z', leaseTransitions: 0 } },
  },
  crd: {
    group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition',
    body: {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'devices.devices.kubeedge.io' },
      spec: {
        group: 'devices.kubeedge.io', scope: 'Namespaced',
        names: { plural: 'devices', singular: 'device', kind: 'Device', listKind: 'DeviceList', shortNames: ['dev'], categories: ['all'] },
        versions: [{
          name: 'v1beta1', served: true, storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
          additionalPrinterColumns: [{ name: 'Model', type: 'string', jsonPath: '.spec.deviceModelRef.name', description: 'model', priority: 0 }, { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
          selectableFields: [{ jsonPath: '.spec.nodeName' }],
        }],
        conversion: { strategy: 'None' },
        preserveUnknownFields: false,
      },
      status: { acceptedNames: { plural: 'devices', kind: 'Device' }, storedVersions: ['v1beta1'], conditions: [{ type: 'Established', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'InitialNamesAccepted', message: 'ok' }] },
    },
  },
  event: {
    group: '', version: 'v1', kind: 'Event',
    body: {
      apiVersion: 'v1', kind: 'Event', metadata: { name: 'web-1.17a', namespace: 'default' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u', apiVersion: 'v1', resourceVersion: '5', fieldPath: 'spec.containers{web}' },
      reason: 'Pulled', message: 'pulled', type: 'Normal', count: 2, firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:00:05Z',
      eventTime: '2026-01-01T00:00:00.000001Z', series: { count: 2, lastObservedTime: '2026-01-01T00:00:05.000000Z' }, source: { component: 'edged', host: 'edge-1' },
      reportingComponent: 'edged', reportingInstance: 'edge-1', action: 'Pull', related: { kind: 'Node', name: 'edge-1' },
    },
  },
  endpoints: {
    group: '', version: 'v1', kind: 'Endpoints',
    body: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.244.0.7', nodeName: 'edge-1', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default' } }], notReadyAddresses: [{ ip: '10.244.0.8' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }] },
  },
  namespace: {
    group: '', version: 'v1', kind: 'Namespace',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-node-lease' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
  },
  daemonset: {
    group: 'apps', version: 'v1', kind: 'DaemonSet',
    body: {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'kube-system' },
      spec: { selector: { matchLabels: { app: 'web' } }, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, template: podTemplateSpec, revisionHistoryLimit: 10 },
      status: { currentNumberScheduled: 1, desiredNumberScheduled: 1, numberMisscheduled: 0, numberReady: 1, numberAvailable: 1, updatedNumberScheduled: 1, observedGeneration: 1 },
    },
  },
};
