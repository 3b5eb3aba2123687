// core/v1 Container and everything it embeds (k8s.io/api/core/v1, Kubernetes v1.32).
import type { JSONSchema } from '../types.js';
import {
  arr, atomicStrList, bool, CORE, int, int64, intOrString, keyedList, obj, open, quantity, quantityMap, ref, str, sub, time,
} from './helpers.js';

const C = (n: string): string => CORE + n;

const containerFields = (): Record<string, JSONSchema> => ({
  args: atomicStrList("Arguments to the entrypoint. The container image's CMD is used if this is not provided. $(VAR_NAME) references are expanded using the container's environment."),
  command: atomicStrList("Entrypoint array. Not executed within a shell. The container image's ENTRYPOINT is used if this is not provided."),
  env: keyedList(ref(C('EnvVar')), 'name', 'List of environment variables to set in the container. Cannot be updated.'),
  envFrom: arr(ref(C('EnvFromSource')), 'List of sources to populate environment variables in the container. Cannot be updated.', { listType: 'atomic' }),
  image: str('Container image name.'),
  imagePullPolicy: str('Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if :latest tag is specified, or IfNotPresent otherwise.'),
  lifecycle: ref(C('Lifecycle'), 'Actions that the management system should take in response to container lifecycle events.'),
  livenessProbe: ref(C('Probe'), 'Periodic probe of container liveness. Container will be restarted if the probe fails.'),
  name: str('Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name. Cannot be updated.', { default: '' }),
  ports: keyedList(ref(C('ContainerPort')), ['containerPort', 'protocol'], 'List of ports to expose from the container.'),
  readinessProbe: ref(C('Probe'), 'Periodic probe of container service readiness. Container will be removed from service endpoints if the probe fails.'),
  resizePolicy: arr(ref(C('ContainerResizePolicy')), 'Resources resize policy for the container.', { listType: 'atomic' }),
  resources: sub(C('ResourceRequirements'), 'Compute Resources required by this container.'),
  restartPolicy: str('RestartPolicy defines the restart behavior of individual containers in a pod. The only allowed value is "Always", for init containers (sidecars).'),
  securityContext: ref(C('SecurityContext'), 'SecurityContext defines the security options the container should be run with.'),
  startupProbe: ref(C('Probe'), 'StartupProbe indicates that the Pod has successfully initialized. If specified, no other probes are executed until this completes successfully.'),
  stdin: bool('Whether this container should allocate a buffer for stdin in the container runtime.'),
  stdinOnce: bool('Whether the container runtime should close the stdin channel after it has been opened by a single attach.'),
  terminationMessagePath: str("Path at which the file to which the container's termination message will be written is mounted into the container's filesystem. Defaults to /dev/termination-log."),
  terminationMessagePolicy: str('Indicate how the termination message should be populated: File or FallbackToLogsOnError. Defaults to File.'),
  tty: bool("Whether this container should allocate a TTY for itself, also requires 'stdin' to be true."),
  volumeDevices: keyedList(ref(C('VolumeDevice')), 'devicePath', 'volumeDevices is the list of block devices to be used by the container.'),
  volumeMounts: keyedList(ref(C('VolumeMount')), 'mountPath', "Pod volumes to mount into the container's filesystem. Cannot be updated."),
  workingDir: str("Container's working directory. If not specified, the container runtime's default will be used."),
});

const keySelector = (what: string): JSONSchema =>
  obj(
    {
      key: str(`The key to select.`, { default: '' }),
      name: str('Name of the referent.', { default: '' }),
      optional: bool(`Specify whether the ${what} or its key must be defined`),
    },
    { description: `Selects a key from a ${what}.`, required: ['key'], mapType: 'atomic' },
  );

const envSource = (what: string): JSONSchema =>
  obj(
    {
      name: str('Name of the referent.', { default: '' }),
      optional: bool(`Specify whether the ${what} must be defined`),
    },
    { description: `Selects a ${what} to populate the environment variables with.` },
  );

const handlerFields = (): Record<string, JSONSchema> => ({
  exec: ref(C('ExecAction'), 'Exec specifies a command to execute in the container.'),
  httpGet: ref(C('HTTPGetAction'), 'HTTPGet specifies an HTTP GET request to perform.'),
  tcpSocket: ref(C('TCPSocketAction'), 'TCPSocket specifies a connection to a TCP port.'),
});

export const coreV1Container: Record<string, JSONSchema> = {
  [C('Container')]: obj(containerFields(), { description: 'A single application container that you want to run within a pod.', required: ['name'] }),
  [C('EphemeralContainer')]: obj(
    {
      ...containerFields(),
      targetContainerName: str('If set, the name of the container from PodSpec that this ephemeral container targets.'),
    },
    { description: 'An EphemeralContainer is a temporary container that you may add to an existing Pod for user-initiated activities such as debugging.', required: ['name'] },
  ),
  [C('EnvVar')]: obj(
    {
      name: str('Name of the environment variable. Must be a C_IDENTIFIER.', { default: '' }),
      value: str('Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container and any service environment variables. Defaults to "".'),
      valueFrom: ref(C('EnvVarSource'), "Source for the environment variable's value. Cannot be used if value is not empty."),
    },
    { description: 'EnvVar represents an environment variable present in a Container.', required: ['name'] },
  ),
  [C('EnvVarSource')]: obj(
    {
      configMapKeyRef: ref(C('ConfigMapKeySelector'), 'Selects a key of a ConfigMap.'),
      fieldRef: ref(C('ObjectFieldSelector'), 'Selects a field of the pod: supports metadata.name, metadata.namespace, metadata.labels, metadata.annotations, spec.nodeName, spec.serviceAccountName, status.hostIP, status.podIP, status.podIPs.'),
      resourceFieldRef: ref(C('ResourceFieldSelector'), 'Selects a resource of the container: only resources limits and requests are currently supported.'),
      secretKeyRef: ref(C('SecretKeySelector'), 'Selects a key of a secret in the pod\'s namespace'),
    },
    { description: 'EnvVarSource represents a source for the value of an EnvVar.' },
  ),
  [C('ObjectFieldSelector')]: obj(
    {
      apiVersion: str('Version of the schema the FieldPath is written in terms of, defaults to "v1".'),
      fieldPath: str('Path of the field to select in the specified API version.', { default: '' }),
    },
    { description: 'ObjectFieldSelector selects an APIVersioned field of an object.', required: ['fieldPath'], mapType: 'atomic' },
  ),
  [C('ResourceFieldSelector')]: obj(
    {
      containerName: str('Container name: required for volumes, optional for env vars'),
      divisor: quantity('Specifies the output format of the exposed resources, defaults to "1"'),
      resource: str('Required: resource to select', { default: '' }),
    },
    { description: 'ResourceFieldSelector represents container resources (cpu, memory) and their output format', required: ['resource'], mapType: 'atomic' },
  ),
  [C('ConfigMapKeySelector')]: keySelector('ConfigMap'),
  [C('SecretKeySelector')]: keySelector('Secret'),
  [C('EnvFromSource')]: obj(
    {
      configMapRef: ref(C('ConfigMapEnvSource'), 'The ConfigMap to select from'),
      prefix: str('Optional text to prepend to the name of each environment variable.'),
      secretRef: ref(C('SecretEnvSource'), 'The Secret to select from'),
    },
    { description: 'EnvFromSource represents the source of a set of ConfigMaps or Secrets' },
  ),
  [C('ConfigMapEnvSource')]: envSource('ConfigMap'),
  [C('SecretEnvSource')]: envSource('Secret'),
  [C('ContainerPort')]: obj(
    {
      containerPort: int("Number of port to expose on the pod's IP address. This must be a valid port number, 0 < x < 65536."),
      hostIP: str('What host IP to bind the external port to.'),
      hostPort: int('Number of port to expose on the host. Most containers do not need this.'),
      name: str('If specified, this must be an IANA_SVC_NAME and unique within the pod. Each named port in a pod must have a unique name.'),
      protocol: str('Protocol for port. Must be UDP, TCP, or SCTP. Defaults to "TCP".', { default: 'TCP' }),
    },
    { description: 'ContainerPort represents a network port in a single container.', required: ['containerPort'] },
  ),
  [C('ResourceRequirements')]: obj(
    {
      claims: keyedList(ref(C('ResourceClaim')), 'name', 'Claims lists the names of resources, defined in spec.resourceClaims, that are used by this container.', ''),
      limits: quantityMap('Limits describes the maximum amount of compute resources allowed.'),
      requests: quantityMap('Requests describes the minimum amount of compute resources required.'),
    },
    { description: 'ResourceRequirements describes the compute resource requirements.' },
  ),
  [C('ResourceClaim')]: obj(
    {
      name: str('Name must match the name of one entry in pod.spec.resourceClaims of the Pod where this field is used.', { default: '' }),
      request: str('Request is the name chosen for a request in the referenced claim.'),
    },
    { description: 'ResourceClaim references one entry in PodSpec.ResourceClaims.', required: ['name'] },
  ),
  [C('VolumeMount')]: obj(
    {
      mountPath: str("Path within the container at which the volume should be mounted. Must not contain ':'.", { default: '' }),
      mountPropagation: str('mountPropagation determines how mounts are propagated from the host to container and the other way around: None, HostToContainer or Bidirectional.'),
      name: str('This must match the Name of a Volume.', { default: '' }),
      readOnly: bool('Mounted read-only if true, read-write otherwise (false or unspecified). Defaults to false.'),
      recursiveReadOnly: str('RecursiveReadOnly specifies whether read-only mounts should be handled recursively: Disabled, IfPossible or Enabled.'),
      subPath: str("Path within the volume from which the container's volume should be mounted. Defaults to \"\" (volume's root)."),
      subPathExpr: str('Expanded path within the volume from which the container\'s volume should be mounted; $(VAR_NAME) references are expanded using the container\'s environment.'),
    },
    { description: 'VolumeMount describes a mounting of a Volume within a container.', required: ['name', 'mountPath'] },
  ),
  [C('VolumeDevice')]: obj(
    {
      devicePath: str('devicePath is the path inside of the container that the device will be mapped to.', { default: '' }),
      name: str('name must match the name of a persistentVolumeClaim in the pod', { default: '' }),
    },
    { description: 'volumeDevice describes a mapping of a raw block device within a container.', required: ['name', 'devicePath'] },
  ),
  [C('Probe')]: obj(
    {
      ...handlerFields(),
      failureThreshold: int('Minimum consecutive failures for the probe to be considered failed after having succeeded. Defaults to 3.'),
      grpc: ref(C('GRPCAction'), 'GRPC specifies a GRPC HealthCheckRequest.'),
      initialDelaySeconds: int('Number of seconds after the container has started before liveness probes are initiated.'),
      periodSeconds: int('How often (in seconds) to perform the probe. Default to 10 seconds.'),
      successThreshold: int('Minimum consecutive successes for the probe to be considered successful after having failed. Defaults to 1.'),
      terminationGracePeriodSeconds: int64('Optional duration in seconds the pod needs to terminate gracefully upon probe failure.'),
      timeoutSeconds: int('Number of seconds after which the probe times out. Defaults to 1 second.'),
    },
    { description: 'Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic.' },
  ),
  [C('ExecAction')]: obj(
    { command: atomicStrList('Command is the command line to execute inside the container; it is not run inside a shell.') },
    { description: 'ExecAction describes a "run in container" action.' },
  ),
  [C('HTTPGetAction')]: obj(
    {
      host: str('Host name to connect to, defaults to the pod IP.'),
      httpHeaders: arr(ref(C('HTTPHeader')), 'Custom headers to set in the request. HTTP allows repeated headers.', { listType: 'atomic' }),
      path: str('Path to access on the HTTP server.'),
      port: intOrString('Name or number of the port to access on the container.'),
      scheme: str('Scheme to use for connecting to the host. Defaults to HTTP.'),
    },
    { description: 'HTTPGetAction describes an action based on HTTP Get requests.', required: ['port'] },
  ),
  [C('HTTPHeader')]: obj(
    {
      name: str('The header field name.', { default: '' }),
      value: str('The header field value', { default: '' }),
    },
    { description: 'HTTPHeader describes a custom header to be used in HTTP probes', required: ['name', 'value'] },
  ),
  [C('TCPSocketAction')]: obj(
    {
      host: str('Optional: Host name to connect to, defaults to the pod IP.'),
      port: intOrString('Number or name of the port to access on the container.'),
    },
    { description: 'TCPSocketAction describes an action based on opening a socket', required: ['port'] },
  ),
  [C('GRPCAction')]: obj(
    {
      port: int('Port number of the gRPC service. Number must be in the range 1 to 65535.'),
      service: str('Service is the name of the service to place in the gRPC HealthCheckRequest.', { default: '' }),
    },
    { description: 'GRPCAction specifies an action involving a GRPC service.', required: ['port'] },
  ),
  [C('Lifecycle')]: obj(
    {
      postStart: ref(C('LifecycleHandler'), 'PostStart is called immediately after a container is created.'),
      preStop: ref(C('LifecycleHandler'), 'PreStop is called immediately before a container is terminated due to an API request or management event.'),
      stopSignal: str('StopSignal defines which signal will be sent to a container when it is being stopped.'),
    },
    { description: 'Lifecycle describes actions that the management system should take in response to container lifecycle events.' },
  ),
  [C('LifecycleHandler')]: obj(
    { ...handlerFields(), sleep: ref(C('SleepAction'), 'Sleep represents a duration that the container should sleep.') },
    { description: 'LifecycleHandler defines a specific action that should be taken in a lifecycle hook.' },
  ),
  [C('SleepAction')]: obj({ seconds: int64('Seconds is the number of seconds to sleep.') }, { description: 'SleepAction describes a "sleep" action.', required: ['seconds'] }),
  [C('SecurityContext')]: obj(
    {
      allowPrivilegeEscalation: bool('AllowPrivilegeEscalation controls whether a process can gain more privileges than its parent process.'),
      appArmorProfile: ref(C('AppArmorProfile'), 'appArmorProfile is the AppArmor options to use by this container.'),
      capabilities: ref(C('Capabilities'), 'The capabilities to add/drop when running containers.'),
      privileged: bool('Run container in privileged mode. Defaults to false.'),
      procMount: str('procMount denotes the type of proc mount to use for the containers: Default or Unmasked.'),
      readOnlyRootFilesystem: bool('Whether this container has a read-only root filesystem. Default is false.'),
      runAsGroup: int64('The GID to run the entrypoint of the container process.'),
      runAsNonRoot: bool('Indicates that the container must run as a non-root user.'),
      runAsUser: int64('The UID to run the entrypoint of the container process. Defaults to user specified in image metadata if unspecified.'),
      seLinuxOptions: ref(C('SELinuxOptions'), 'The SELinux context to be applied to the container.'),
      seccompProfile: ref(C('SeccompProfile'), 'The seccomp options to use by this container.'),
      windowsOptions: ref(C('WindowsSecurityContextOptions'), 'The Windows specific settings applied to all containers.'),
    },
    { description: 'SecurityContext holds security configuration that will be applied to a container.' },
  ),
  [C('Capabilities')]: obj(
    {
      add: atomicStrList('Added capabilities'),
      drop: atomicStrList('Removed capabilities'),
    },
    { description: 'Adds and removes POSIX capabilities from running containers.' },
  ),
  [C('SELinuxOptions')]: obj(
    {
      level: str('Level is SELinux level label that applies to the container.'),
      role: str('Role is a SELinux role label that applies to the container.'),
      type: str('Type is a SELinux type label that applies to the container.'),
      user: str('User is a SELinux user label that applies to the container.'),
    },
    { description: 'SELinuxOptions are the labels to be applied to the container' },
  ),
  [C('SeccompProfile')]: {
    ...obj(
      {
        localhostProfile: str("localhostProfile indicates a profile defined in a file on the node should be used. Must be set if type is \"Localhost\"."),
        type: str('type indicates which kind of seccomp profile will be applied: Localhost, RuntimeDefault or Unconfined.', { default: '' }),
      },
      { description: "SeccompProfile defines a pod/container's seccomp profile settings. Only one profile source may be set.", required: ['type'] },
    ),
    'x-kubernetes-unions': [{ discriminator: 'type', 'fields-to-discriminateBy': { localhostProfile: 'LocalhostProfile' } }],
  },
  [C('AppArmorProfile')]: obj(
    {
      localhostProfile: str('localhostProfile indicates a profile loaded on the node that should be used.'),
      type: str('type indicates which kind of AppArmor profile will be applied: Localhost, RuntimeDefault or Unconfined.', { default: '' }),
    },
    { description: "AppArmorProfile defines a pod or container's AppArmor settings.", required: ['type'] },
  ),
  [C('WindowsSecurityContextOptions')]: obj(
    {
      gmsaCredentialSpec: str('GMSACredentialSpec is where the GMSA admission webhook inlines the contents of the GMSA credential spec.'),
      gmsaCredentialSpecName: str('GMSACredentialSpecName is the name of the GMSA credential spec to use.'),
      hostProcess: bool("HostProcess determines if a container should be run as a 'Host Process' container."),
      runAsUserName: str('The UserName in Windows to run the entrypoint of the container process.'),
    },
    { description: 'WindowsSecurityContextOptions contain Windows-specific options and credentials.' },
  ),
  [C('ContainerResizePolicy')]: obj(
    {
      resourceName: str('Name of the resource to which this resource resize policy applies. Supported values: cpu, memory.', { default: '' }),
      restartPolicy: str('Restart policy to apply when specified resource is resized: NotRequired or RestartContainer.', { default: '' }),
    },
    { description: 'ContainerResizePolicy represents resource resize policy for the container.', required: ['resourceName', 'restartPolicy'] },
  ),
  [C('ContainerStatus')]: obj(
    {
      allocatedResources: quantityMap('AllocatedResources represents the compute resources allocated for this container by the node.'),
      allocatedResourcesStatus: arr(open('ResourceStatus of one allocated resource.'), 'AllocatedResourcesStatus represents the status of various resources allocated for this Pod.', { listType: 'map', mapKeys: ['name'] }),
      containerID: str("ContainerID is the ID of the container in the format '<type>://<container_id>'."),
      image: str('Image is the name of container image that the container is running.', { default: '' }),
      imageID: str("ImageID is the image ID of the container's image.", { default: '' }),
      lastState: sub(C('ContainerState'), "LastTerminationState holds the last termination state of the container to help debug container crashes and restarts."),
      name: str('Name is a DNS_LABEL representing the unique name of the container.', { default: '' }),
      ready: bool('Ready specifies whether the container is currently passing its readiness check.'),
      resources: ref(C('ResourceRequirements'), 'Resources represents the compute resource requests and limits that have been successfully enacted on the running container.'),
      restartCount: int('RestartCount holds the number of times the container has been restarted.'),
      started: bool('Started indicates whether the container has finished its postStart lifecycle hook and passed its startup probe.'),
      state: sub(C('ContainerState'), 'State holds details about the container\'s current condition.'),
      stopSignal: str('StopSignal reports the effective stop signal for this container.'),
      user: open('User represents user identity information initially attached to the first process of the container.'),
      volumeMounts: keyedList(ref(C('VolumeMountStatus')), 'mountPath', 'Status of volume mounts.', ''),
    },
    { description: 'ContainerStatus contains details for the current status of this container.', required: ['name', 'ready', 'restartCount', 'image', 'imageID'] },
  ),
  [C('VolumeMountStatus')]: obj(
    {
      mountPath: str('MountPath corresponds to the original VolumeMount.', { default: '' }),
      name: str('Name corresponds to the name of the original VolumeMount.', { default: '' }),
      readOnly: bool('ReadOnly corresponds to the original VolumeMount.'),
      recursiveReadOnly: str('RecursiveReadOnly must be set to Disabled, Enabled, or unspecified (for non-readonly mounts).'),
    },
    { description: 'VolumeMountStatus shows status of volume mounts.', required: ['name', 'mountPath'] },
  ),
  [C('ContainerState')]: obj(
    {
      running: ref(C('ContainerStateRunning'), 'Details about a running container'),
      terminated: ref(C('ContainerStateTerminated'), 'Details about a terminated container'),
      waiting: ref(C('ContainerStateWaiting'), 'Details about a waiting container'),
    },
    { description: 'ContainerState holds a possible state of container. Only one of its members may be specified. If none of them is specified, the default one is ContainerStateWaiting.' },
  ),
  [C('ContainerStateRunning')]: obj(
    { startedAt: time('Time at which the container was last (re-)started') },
    { description: 'ContainerStateRunning is a running state of a container.' },
  ),
  [C('ContainerStateTerminated')]: obj(
    {
      containerID: str("Container's ID in the format '<type>://<container_id>'"),
      exitCode: int('Exit status from the last termination of the container'),
      finishedAt: time('Time at which the container last terminated'),
      message: str('Message regarding the last termination of the container'),
      reason: str('(brief) reason from the last termination of the container'),
      signal: int('Signal from the last termination of the container'),
      startedAt: time('Time at which previous execution of the container started'),
    },
    { description: 'ContainerStateTerminated is a terminated state of a container.', required: ['exitCode'] },
  ),
  [C('ContainerStateWaiting')]: obj(
    {
      message: str('Message regarding why the container is not yet running.'),
      reason: str('(brief) reason the container is not yet running.'),
    },
    { description: 'ContainerStateWaiting is a waiting state of a container.' },
  ),
};
