// core/v1 Namespace, ConfigMap, Secret and ServiceAccount (Kubernetes v1.32).
import type { JSONSchema } from '../types.js';
import { arr, bool, bytes, CORE, keyedList, kind, map, obj, ref, str, strList, strMap, time } from './helpers.js';

const C = (n: string): string => CORE + n;

export const coreV1Config: Record<string, JSONSchema> = {
  [C('Namespace')]: kind('', 'v1', 'Namespace', 'Namespace provides a scope for Names. Use of multiple namespaces is optional.', {
    spec: ref(C('NamespaceSpec'), 'Spec defines the behavior of the Namespace.', { default: {} }),
    status: ref(C('NamespaceStatus'), 'Status describes the current status of a Namespace.', { default: {} }),
  }),
  [C('NamespaceSpec')]: obj(
    { finalizers: strList('Finalizers is an opaque list of values that must be empty to permanently remove object from storage.', { listType: 'atomic' }) },
    { description: 'NamespaceSpec describes the attributes on a Namespace.' },
  ),
  [C('NamespaceStatus')]: obj(
    {
      conditions: keyedList(ref(C('NamespaceCondition')), 'type', "Represents the latest available observations of a namespace's current state."),
      phase: str('Phase is the current lifecycle phase of the namespace: Active or Terminating.'),
    },
    { description: 'NamespaceStatus is information about the current status of a Namespace.' },
  ),
  [C('NamespaceCondition')]: obj(
    {
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      message: str('Human-readable message indicating details about last transition.'),
      reason: str("Unique, one-word, CamelCase reason for the condition's last transition."),
      status: str('Status of the condition, one of True, False, Unknown.', { default: '' }),
      type: str('Type of namespace controller condition.', { default: '' }),
    },
    { description: 'NamespaceCondition contains details about state of namespace.', required: ['type', 'status'] },
  ),
  [C('ConfigMap')]: kind('', 'v1', 'ConfigMap', 'ConfigMap holds configuration data for pods to consume.', {
    binaryData: map(bytes(), 'BinaryData contains the binary data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'. Values are base64-encoded.'),
    data: strMap("Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field."),
    immutable: bool('Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified).'),
  }),
  [C('Secret')]: kind('', 'v1', 'Secret', 'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.', {
    data: map(bytes(), "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string."),
    immutable: bool('Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified).'),
    stringData: strMap('stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience; merged into the data field on write.'),
    type: str('Used to facilitate programmatic handling of secret data, e.g. Opaque or kubernetes.io/tls.'),
  }),
  [C('ServiceAccount')]: kind('', 'v1', 'ServiceAccount', 'ServiceAccount binds together: a name, understood by users, and perhaps by peripheral systems, for an identity; a principal that can be authenticated and authorized; a set of secrets.', {
    automountServiceAccountToken: bool('AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted.'),
    imagePullSecrets: arr(ref(C('LocalObjectReference')), 'ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images in pods that reference this ServiceAccount.', { listType: 'atomic' }),
    secrets: keyedList(ref(C('ObjectReference')), 'name', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'),
  }),
};
