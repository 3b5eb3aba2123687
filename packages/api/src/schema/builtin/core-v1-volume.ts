// core/v1 Volume and the volume sources kedge models in full (k8s.io/api/core/v1, Kubernetes v1.32).
// Cloud/vendor sources are kept as open objects: kedge never interprets them, only stores them.
import type { JSONSchema } from '../types.js';
import { arr, bool, CORE, int, obj, open, quantity, ref, str } from './helpers.js';

const C = (n: string): string => CORE + n;

const OPAQUE_SOURCES: Record<string, string> = {
  awsElasticBlockStore: 'AWS Disk resource that is attached to a kubelet\'s host machine (deprecated).',
  azureDisk: 'Azure Data Disk mount on the host and bind mount to the pod (deprecated).',
  azureFile: 'Azure File Service mount on the host and bind mount to the pod (deprecated).',
  cephfs: 'Ceph FS mount on the host that shares a pod\'s lifetime (deprecated).',
  cinder: 'Cinder volume attached and mounted on kubelets host machine (deprecated).',
  csi: 'Ephemeral storage that is handled by certain external CSI drivers.',
  ephemeral: 'A volume that is handled by a cluster storage driver; its lifecycle is tied to the pod.',
  fc: 'Fibre Channel resource that is attached to a kubelet\'s host machine.',
  flexVolume: 'Generic volume resource that is provisioned/attached using an exec based plugin (deprecated).',
  flocker: 'Flocker volume attached to a kubelet\'s host machine (deprecated).',
  gcePersistentDisk: 'GCE Disk resource that is attached to a kubelet\'s host machine (deprecated).',
  gitRepo: 'Git repository at a particular revision (deprecated).',
  glusterfs: 'Glusterfs mount on the host that shares a pod\'s lifetime (deprecated).',
  image: 'OCI object (a container image or artifact) pulled and mounted on the kubelet\'s host machine.',
  iscsi: 'ISCSI Disk resource that is attached to a kubelet\'s host machine.',
  photonPersistentDisk: 'PhotonController persistent disk attached and mounted on kubelets host machine (deprecated).',
  portworxVolume: 'Portworx volume attached and mounted on kubelets host machine (deprecated).',
  quobyte: 'Quobyte mount on the host that shares a pod\'s lifetime (deprecated).',
  rbd: 'Rados Block Device mount on the host that shares a pod\'s lifetime (deprecated).',
  scaleIO: 'ScaleIO persistent volume attached and mounted on Kubernetes nodes (deprecated).',
  storageos: 'StorageOS volume attached and mounted on Kubernetes nodes (deprecated).',
  vsphereVolume: 'vSphere volume attached and mounted on kubelets host machine (deprecated).',
};

const opaqueSources = (): Record<string, JSONSchema> =>
  Object.fromEntries(Object.entries(OPAQUE_SOURCES).map(([k, d]) => [k, open(d)]));

const items = (): JSONSchema =>
  arr(ref(C('KeyToPath')), 'If unspecified, each key-value pair in the Data field of the referenced object will be projected into the volume as a file whose name is the key and content is the value.', { listType: 'atomic' });

const MODE_DESC = 'Mode bits used to set permissions on created files by default. Must be an octal value between 0000 and 0777 or a decimal value between 0 and 511. Defaults to 0644.';

export const coreV1Volume: Record<string, JSONSchema> = {
  [C('Volume')]: obj(
    {
      ...opaqueSources(),
      configMap: ref(C('ConfigMapVolumeSource'), 'configMap represents a configMap that should populate this volume'),
      downwardAPI: ref(C('DownwardAPIVolumeSource'), 'downwardAPI represents downward API about the pod that should populate this volume'),
      emptyDir: ref(C('EmptyDirVolumeSource'), 'emptyDir represents a temporary directory that shares a pod\'s lifetime.'),
      hostPath: ref(C('HostPathVolumeSource'), 'hostPath represents a pre-existing file or directory on the host machine that is directly exposed to the container.'),
      name: str("name of the volume. Must be a DNS_LABEL and unique within the pod.", { default: '' }),
      nfs: ref(C('NFSVolumeSource'), "nfs represents an NFS mount on the host that shares a pod's lifetime"),
      persistentVolumeClaim: ref(C('PersistentVolumeClaimVolumeSource'), 'persistentVolumeClaimVolumeSource represents a reference to a PersistentVolumeClaim in the same namespace.'),
      projected: ref(C('ProjectedVolumeSource'), 'projected items for all in one resources secrets, configmaps, and downward API'),
      secret: ref(C('SecretVolumeSource'), 'secret represents a secret that should populate this volume.'),
    },
    { description: 'Volume represents a named volume in a pod that may be accessed by any container in the pod.', required: ['name'] },
  ),
  [C('EmptyDirVolumeSource')]: obj(
    {
      medium: str('medium represents what type of storage medium should back this directory. The default is "" which means to use the node\'s default medium. Must be an empty string (default) or Memory.'),
      sizeLimit: quantity('sizeLimit is the total amount of local storage required for this EmptyDir volume.'),
    },
    { description: 'Represents an empty directory for a pod. Empty directory volumes support ownership management and SELinux relabeling.' },
  ),
  [C('HostPathVolumeSource')]: obj(
    {
      path: str('path of the directory on the host. If the path is a symlink, it will follow the link to the real path.', { default: '' }),
      type: str('type for HostPath Volume: "", DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice or BlockDevice. Defaults to "".'),
    },
    { description: 'Represents a host path mapped into a pod. Host path volumes do not support ownership management or SELinux relabeling.', required: ['path'] },
  ),
  [C('KeyToPath')]: obj(
    {
      key: str('key is the key to project.', { default: '' }),
      mode: int('mode is Optional: mode bits used to set permissions on this file.'),
      path: str('path is the relative path of the file to map the key to. May not be an absolute path. May not contain the path element \'..\'.', { default: '' }),
    },
    { description: 'Maps a string key to a path within a volume.', required: ['key', 'path'] },
  ),
  [C('ConfigMapVolumeSource')]: obj(
    {
      defaultMode: int(MODE_DESC),
      items: items(),
      name: str('Name of the referent.', { default: '' }),
      optional: bool('optional specify whether the ConfigMap or its keys must be defined'),
    },
    { description: 'Adapts a ConfigMap into a volume. The contents of the target ConfigMap\'s Data field will be presented in a volume as files.' },
  ),
  [C('SecretVolumeSource')]: obj(
    {
      defaultMode: int(MODE_DESC),
      items: items(),
      optional: bool('optional field specify whether the Secret or its keys must be defined'),
      secretName: str("secretName is the name of the secret in the pod's namespace to use."),
    },
    { description: 'Adapts a Secret into a volume. The contents of the target Secret\'s Data field will be presented in a volume as files.' },
  ),
  [C('ProjectedVolumeSource')]: obj(
    {
      defaultMode: int(MODE_DESC),
      sources: arr(ref(C('VolumeProjection')), 'sources is the list of volume projections. Each entry in this list handles one source.', { listType: 'atomic' }),
    },
    { description: 'Represents a projected volume source' },
  ),
  [C('VolumeProjection')]: obj(
    {
      clusterTrustBundle: open('ClusterTrustBundle allows a pod to access the `.spec.trustBundle` field of ClusterTrustBundle objects in an auto-updating file.'),
      configMap: ref(C('ConfigMapProjection'), 'configMap information about the configMap data to project'),
      downwardAPI: ref(C('DownwardAPIProjection'), 'downwardAPI information about the downwardAPI data to project'),
      secret: ref(C('SecretProjection'), 'secret information about the secret data to project'),
      serviceAccountToken: ref(C('ServiceAccountTokenProjection'), 'serviceAccountToken is information about the serviceAccountToken data to project'),
    },
    { description: 'Projection that may be projected along with other supported volume types. Exactly one of these fields must be set.' },
  ),
  [C('ConfigMapProjection')]: obj(
    {
      items: items(),
      name: str('Name of the referent.', { default: '' }),
      optional: bool('optional specify whether the ConfigMap or its keys must be defined'),
    },
    { description: 'Adapts a ConfigMap into a projected volume.' },
  ),
  [C('SecretProjection')]: obj(
    {
      items: items(),
      name: str('Name of the referent.', { default: '' }),
      optional: bool('optional field specify whether the Secret or its key must be defined'),
    },
    { description: 'Adapts a secret into a projected volume.' },
  ),
  [C('DownwardAPIProjection')]: obj(
    { items: arr(ref(C('DownwardAPIVolumeFile')), 'Items is a list of DownwardAPIVolume file', { listType: 'atomic' }) },
    { description: 'Represents downward API info for projecting into a projected volume.' },
  ),
  [C('ServiceAccountTokenProjection')]: obj(
    {
      audience: str('audience is the intended audience of the token. Defaults to the identifier of the apiserver.'),
      expirationSeconds: { type: 'integer', format: 'int64', description: 'expirationSeconds is the requested duration of validity of the service account token. Defaults to 1 hour.' },
      path: str('path is the path relative to the mount point of the file to project the token into.', { default: '' }),
    },
    { description: 'ServiceAccountTokenProjection represents a projected service account token volume.', required: ['path'] },
  ),
  [C('DownwardAPIVolumeSource')]: obj(
    {
      defaultMode: int(MODE_DESC),
      items: arr(ref(C('DownwardAPIVolumeFile')), 'Items is a list of downward API volume file', { listType: 'atomic' }),
    },
    { description: 'DownwardAPIVolumeSource represents a volume containing downward API info.' },
  ),
  [C('DownwardAPIVolumeFile')]: obj(
    {
      fieldRef: ref(C('ObjectFieldSelector'), 'Required: Selects a field of the pod: only annotations, labels, name, namespace and uid are supported.'),
      mode: int('Optional: mode bits used to set permissions on this file.'),
      path: str("Required: Path is the relative path name of the file to be created. Must not be absolute or contain the '..' path.", { default: '' }),
      resourceFieldRef: ref(C('ResourceFieldSelector'), 'Selects a resource of the container: only resources limits and requests are currently supported.'),
    },
    { description: 'DownwardAPIVolumeFile represents information to create the file containing the pod field', required: ['path'] },
  ),
  [C('PersistentVolumeClaimVolumeSource')]: obj(
    {
      claimName: str('claimName is the name of a PersistentVolumeClaim in the same namespace as the pod using this volume.', { default: '' }),
      readOnly: bool('readOnly Will force the ReadOnly setting in VolumeMounts. Default false.'),
    },
    { description: "PersistentVolumeClaimVolumeSource references the user's PVC in the same namespace.", required: ['claimName'] },
  ),
  [C('NFSVolumeSource')]: obj(
    {
      path: str('path that is exported by the NFS server.', { default: '' }),
      readOnly: bool('readOnly here will force the NFS export to be mounted with read-only permissions. Defaults to false.'),
      server: str('server is the hostname or IP address of the NFS server.', { default: '' }),
    },
    { description: "Represents an NFS mount that lasts the lifetime of a pod. NFS volumes do not support ownership management or SELinux relabeling.", required: ['server', 'path'] },
  ),
};
