/**
 * A subset of upstream `generated.proto` (k8s.io/api core/v1 and apps/v1, k8s.io/apimachinery meta/v1,
 * util/intstr, api/resource, runtime) with the upstream field numbers. Kept as a string so it ships in
 * dist. Fields are proto2 `optional` so decoding keeps wire presence; Go's gogo marshaller writes every
 * non-pointer scalar, so zero values are dropped later (see convert.ts), like JSON `omitempty` would.
 */
export const k8sProto = String.raw`
syntax = "proto2";
package k8s;

message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; optional string contentEncoding = 3; optional string contentType = 4; }
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }

message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message IntOrString { optional int64 type = 1; optional int32 intVal = 2; optional string strVal = 3; }
message Quantity { optional string string = 1; }

message ObjectMeta {
  optional string name = 1; optional string generateName = 2; optional string namespace = 3; optional string selfLink = 4;
  optional string uid = 5; optional string resourceVersion = 6; optional int64 generation = 7;
  optional Time creationTimestamp = 8; optional Time deletionTimestamp = 9; optional int64 deletionGracePeriodSeconds = 10;
  map<string, string> labels = 11; map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13; repeated string finalizers = 14;
}
message OwnerReference { optional string kind = 1; optional string name = 3; optional string uid = 4; optional string apiVersion = 5; optional bool controller = 6; optional bool blockOwnerDeletion = 7; }
message LabelSelector { map<string, string> matchLabels = 1; repeated LabelSelectorRequirement matchExpressions = 2; }
message LabelSelectorRequirement { optional string key = 1; optional string operator = 2; repeated string values = 3; }

message Preconditions { optional string uid = 1; optional string resourceVersion = 2; }
message DeleteOptions { optional int64 gracePeriodSeconds = 1; optional Preconditions preconditions = 2; optional bool orphanDependents = 3; optional string propagationPolicy = 4; repeated string dryRun = 5; }

message Namespace { optional ObjectMeta metadata = 1; optional NamespaceSpec spec = 2; optional NamespaceStatus status = 3; }
message NamespaceSpec { repeated string finalizers = 1; }
message NamespaceStatus { optional string phase = 1; }

message ConfigMap { optional ObjectMeta metadata = 1; map<string, string> data = 2; map<string, bytes> binaryData = 3; optional bool immutable = 4; }
message Secret { optional ObjectMeta metadata = 1; map<string, bytes> data = 2; optional string type = 3; map<string, string> stringData = 4; optional bool immutable = 5; }

message Service { optional ObjectMeta metadata = 1; optional ServiceSpec spec = 2; optional ServiceStatus status = 3; }
message ServiceSpec {
  repeated ServicePort ports = 1; map<string, string> selector = 2; optional string clusterIP = 3; optional string type = 4;
  repeated string externalIPs = 5; optional string sessionAffinity = 7; optional string loadBalancerIP = 8;
  repeated string loadBalancerSourceRanges = 9; optional string externalName = 10; optional string externalTrafficPolicy = 11;
  optional int32 healthCheckNodePort = 12; optional bool publishNotReadyAddresses = 13; repeated string ipFamilies = 19;
  repeated string clusterIPs = 18; optional string ipFamilyPolicy = 17; optional bool allocateLoadBalancerNodePorts = 20;
  optional string loadBalancerClass = 21; optional string internalTrafficPolicy = 22; optional string trafficDistribution = 23;
}
message ServicePort { optional string name = 1; optional string protocol = 2; optional int32 port = 3; optional IntOrString targetPort = 4; optional int32 nodePort = 5; optional string appProtocol = 6; }
message ServiceStatus { optional LoadBalancerStatus loadBalancer = 1; }
message LoadBalancerStatus { repeated LoadBalancerIngress ingress = 1; }
message LoadBalancerIngress { optional string ip = 1; optional string hostname = 2; optional string ipMode = 4; }

message Deployment { optional ObjectMeta metadata = 1; optional DeploymentSpec spec = 2; optional DeploymentStatus status = 3; }
message DeploymentSpec {
  optional int32 replicas = 1; optional LabelSelector selector = 2; optional PodTemplateSpec template = 3; optional DeploymentStrategy strategy = 4;
  optional int32 minReadySeconds = 5; optional int32 revisionHistoryLimit = 6; optional bool paused = 7; optional int32 progressDeadlineSeconds = 9;
}
message DeploymentStrategy { optional string type = 1; optional RollingUpdateDeployment rollingUpdate = 2; }
message RollingUpdateDeployment { optional IntOrString maxUnavailable = 1; optional IntOrString maxSurge = 2; }
message DeploymentStatus {
  optional int64 observedGeneration = 1; optional int32 replicas = 2; optional int32 updatedReplicas = 3; optional int32 unavailableReplicas = 5;
  optional int32 availableReplicas = 4; optional int32 readyReplicas = 7; optional int32 collisionCount = 8;
}

message PodTemplateSpec { optional ObjectMeta metadata = 1; optional PodSpec spec = 2; }
message PodSpec {
  repeated Volume volumes = 1; repeated Container containers = 2; optional string restartPolicy = 3; optional int64 terminationGracePeriodSeconds = 4;
  optional int64 activeDeadlineSeconds = 5; optional string dnsPolicy = 6; map<string, string> nodeSelector = 7; optional string serviceAccountName = 8;
  optional string serviceAccount = 9; optional string nodeName = 10; optional bool hostNetwork = 11; optional bool hostPID = 12; optional bool hostIPC = 13;
  repeated LocalObjectReference imagePullSecrets = 15; optional string hostname = 16; optional string subdomain = 17;
  optional string schedulerName = 19; repeated Container initContainers = 20; optional bool automountServiceAccountToken = 21;
  repeated Toleration tolerations = 22; optional string priorityClassName = 24; optional int32 priority = 25; optional bool shareProcessNamespace = 27;
  repeated PodReadinessGate readinessGates = 28; optional string runtimeClassName = 29; optional bool enableServiceLinks = 30; optional string preemptionPolicy = 31;
  optional bool setHostnameAsFQDN = 35; optional bool hostUsers = 37;
}
message PodReadinessGate { optional string conditionType = 1; }
message LocalObjectReference { optional string name = 1; }
message Toleration { optional string key = 1; optional string operator = 2; optional string value = 3; optional string effect = 4; optional int64 tolerationSeconds = 5; }
message Container {
  optional string name = 1; optional string image = 2; repeated string command = 3; repeated string args = 4; optional string workingDir = 5;
  repeated ContainerPort ports = 6; repeated EnvVar env = 7; optional ResourceRequirements resources = 8; repeated VolumeMount volumeMounts = 9;
  optional string terminationMessagePath = 13; optional string imagePullPolicy = 14; optional bool stdin = 16; optional bool stdinOnce = 17; optional bool tty = 18;
  repeated EnvFromSource envFrom = 19; optional string terminationMessagePolicy = 20; optional string restartPolicy = 24;
}
message ContainerPort { optional string name = 1; optional int32 hostPort = 2; optional int32 containerPort = 3; optional string protocol = 4; optional string hostIP = 5; }
message EnvVar { optional string name = 1; optional string value = 2; optional EnvVarSource valueFrom = 3; }
message EnvVarSource { optional ObjectFieldSelector fieldRef = 1; optional ResourceFieldSelector resourceFieldRef = 2; optional KeySelector configMapKeyRef = 3; optional KeySelector secretKeyRef = 4; }
message ObjectFieldSelector { optional string apiVersion = 1; optional string fieldPath = 2; }
message ResourceFieldSelector { optional string containerName = 1; optional string resource = 2; optional Quantity divisor = 3; }
message KeySelector { optional LocalObjectReference localObjectReference = 1; optional string key = 2; optional bool optional = 3; }
message EnvFromSource { optional string prefix = 1; optional EnvSource configMapRef = 2; optional EnvSource secretRef = 3; }
message EnvSource { optional LocalObjectReference localObjectReference = 1; optional bool optional = 2; }
message ResourceRequirements { map<string, Quantity> limits = 1; map<string, Quantity> requests = 2; }
message VolumeMount { optional string name = 1; optional bool readOnly = 2; optional string mountPath = 3; optional string subPath = 4; optional string mountPropagation = 5; optional string subPathExpr = 6; }
message Volume { optional string name = 1; optional VolumeSource volumeSource = 2; }
message VolumeSource { optional HostPathVolumeSource hostPath = 1; optional EmptyDirVolumeSource emptyDir = 2; optional SecretVolumeSource secret = 6; optional ConfigMapVolumeSource configMap = 19; }
message HostPathVolumeSource { optional string path = 1; optional string type = 2; }
message EmptyDirVolumeSource { optional string medium = 1; optional Quantity sizeLimit = 2; }
message KeyToPath { optional string key = 1; optional string path = 2; optional int32 mode = 3; }
message SecretVolumeSource { optional string secretName = 1; repeated KeyToPath items = 2; optional int32 defaultMode = 3; optional bool optional = 4; }
message ConfigMapVolumeSource { optional LocalObjectReference localObjectReference = 1; repeated KeyToPath items = 2; optional int32 defaultMode = 3; optional bool optional = 4; }
`;

/**
 * Go pointer fields (`*int32`, `*bool`...): present means set, so a zero value is kept. Every other
 * scalar is a value field whose zero JSON omits. Keys are `Message.field`.
 */
export const pointerFields: ReadonlySet<string> = new Set([
  'ConfigMap.immutable', 'Secret.immutable', 'OwnerReference.controller', 'OwnerReference.blockOwnerDeletion',
  'ObjectMeta.deletionGracePeriodSeconds', 'DeleteOptions.gracePeriodSeconds', 'DeleteOptions.orphanDependents',
  'DeleteOptions.propagationPolicy', 'Preconditions.uid', 'Preconditions.resourceVersion',
  'DeploymentSpec.replicas', 'DeploymentSpec.revisionHistoryLimit', 'DeploymentSpec.progressDeadlineSeconds',
  'PodSpec.terminationGracePeriodSeconds', 'PodSpec.activeDeadlineSeconds', 'PodSpec.automountServiceAccountToken',
  'PodSpec.priority', 'PodSpec.shareProcessNamespace', 'PodSpec.enableServiceLinks', 'PodSpec.preemptionPolicy',
  'PodSpec.setHostnameAsFQDN', 'PodSpec.hostUsers', 'PodSpec.runtimeClassName', 'Container.restartPolicy',
  'Toleration.tolerationSeconds', 'KeySelector.optional', 'EnvSource.optional', 'SecretVolumeSource.optional',
  'SecretVolumeSource.defaultMode', 'ConfigMapVolumeSource.optional', 'ConfigMapVolumeSource.defaultMode', 'KeyToPath.mode',
  'ServiceSpec.allocateLoadBalancerNodePorts', 'ServiceSpec.loadBalancerClass', 'ServiceSpec.internalTrafficPolicy',
  'ServiceSpec.ipFamilyPolicy', 'ServiceSpec.trafficDistribution', 'HostPathVolumeSource.type', 'ServicePort.appProtocol',
  'LoadBalancerIngress.ipMode',
]);

/** Embedded Go structs serialised inline in JSON (`json:",inline"`). */
export const inlineFields: ReadonlySet<string> = new Set(['localObjectReference', 'volumeSource']);

/** Supported top-level kinds: `apiVersion/kind` → message name. */
export const kindMessages: Readonly<Record<string, string>> = {
  'v1/Namespace': 'Namespace',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/Service': 'Service',
  'apps/v1/Deployment': 'Deployment',
  'meta.k8s.io/v1/DeleteOptions': 'DeleteOptions',
  'v1/DeleteOptions': 'DeleteOptions',
};
