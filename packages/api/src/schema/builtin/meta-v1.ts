// meta/v1 component schemas (k8s.io/apimachinery/pkg/apis/meta/v1, Kubernetes v1.32).
import type { JSONSchema } from '../types.js';
import { arr, atomicStrList, bool, int, int64, INT_OR_STRING, intOrStringBody, keyedList, META, QUANTITY, obj, open, ref, str, strList, strMap, sub, time, typeMetaProps } from './helpers.js';

const DELETE_OPTIONS_GVKS = [
  ['', 'v1'],
  ['admission.k8s.io', 'v1'],
  ['apiextensions.k8s.io', 'v1'],
  ['apps', 'v1'],
  ['autoscaling', 'v1'],
  ['coordination.k8s.io', 'v1'],
  ['meta.k8s.io', 'v1'],
].map(([group, version]) => ({ group: group!, version: version!, kind: 'DeleteOptions' }));

export const metaV1: Record<string, JSONSchema> = {
  [INT_OR_STRING]: intOrStringBody('IntOrString is a type that can hold an int32 or a string.'),
  [QUANTITY]: intOrStringBody(
    'Quantity is a fixed-point representation of a number, e.g. "500m", "1Gi", "2" or 2; serialized as a string.',
  ),
  [META + 'Time']: {
    type: 'string',
    format: 'date-time',
    description: 'Time is a wrapper around time.Time; serialized as RFC 3339 with seconds precision.',
  },
  [META + 'MicroTime']: {
    type: 'string',
    format: 'date-time',
    description: 'MicroTime is version of Time with microsecond level precision.',
  },
  [META + 'FieldsV1']: {
    type: 'object',
    description: 'FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.',
    'x-kubernetes-preserve-unknown-fields': true,
  },
  [META + 'ObjectMeta']: obj(
    {
      annotations: strMap('Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.'),
      creationTimestamp: time('CreationTimestamp is a timestamp representing the server time when this object was created. Read-only.'),
      deletionGracePeriodSeconds: int64('Number of seconds allowed for this object to gracefully terminate before it will be removed from the system. Read-only.'),
      deletionTimestamp: time('DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted. Set by the server when a graceful deletion is requested. Read-only.'),
      finalizers: strList('Must be empty before the object is deleted from the registry. Each entry is an identifier for the responsible component that will remove the entry from the list.', {
        listType: 'set',
        strategy: 'merge',
      }),
      generateName: str('GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.'),
      generation: int64('A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.'),
      labels: strMap('Map of string keys and values that can be used to organize and categorize (scope and select) objects.'),
      managedFields: arr(ref(META + 'ManagedFieldsEntry'), 'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.', { listType: 'atomic' }),
      name: str('Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.'),
      namespace: str('Namespace defines the space within which each name must be unique. An empty namespace is equivalent to the "default" namespace.'),
      ownerReferences: keyedList(ref(META + 'OwnerReference'), 'uid', 'List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected.'),
      resourceVersion: str('An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed. Read-only.'),
      selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
      uid: str('UID is the unique in time and space value for this object. Populated by the system. Read-only.'),
    },
    { description: 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.' },
  ),
  [META + 'OwnerReference']: obj(
    {
      apiVersion: str('API version of the referent.', { default: '' }),
      blockOwnerDeletion: bool('If true, AND if the owner has the "foregroundDeletion" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed.'),
      controller: bool('If true, this reference points to the managing controller.'),
      kind: str('Kind of the referent.', { default: '' }),
      name: str('Name of the referent.', { default: '' }),
      uid: str('UID of the referent.', { default: '' }),
    },
    {
      description: 'OwnerReference contains enough information to let you identify an owning object. An owning object must be in the same namespace as the dependent, or be cluster-scoped, so there is no namespace field.',
      required: ['apiVersion', 'kind', 'name', 'uid'],
      mapType: 'atomic',
    },
  ),
  [META + 'ManagedFieldsEntry']: obj(
    {
      apiVersion: str('APIVersion defines the version of this resource that this field set applies to.'),
      fieldsType: str('FieldsType is the discriminator for the different fields format and version. There is currently only 1 possible value: "FieldsV1".'),
      fieldsV1: { ...ref(META + 'FieldsV1', 'FieldsV1 holds the first JSON version format as described in the "FieldsV1" type.'), 'x-kubernetes-preserve-unknown-fields': true },
      manager: str('Manager is an identifier of the workflow managing these fields.'),
      operation: str('Operation is the type of operation which lead to this ManagedFieldsEntry being created. The only valid values for this field are "Apply" and "Update".'),
      subresource: str('Subresource is the name of the subresource used to update that object, or empty string if the object was updated through the main resource.'),
      time: time('Time is the timestamp of when the ManagedFields entry was added.'),
    },
    { description: 'ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.' },
  ),
  [META + 'ListMeta']: obj(
    {
      continue: str('continue may be set if the user set a limit on the number of items returned, and indicates that the server has more data available.'),
      remainingItemCount: int64('remainingItemCount is the number of subsequent items in the list which are not included in this list response.'),
      resourceVersion: str("String that identifies the server's internal version of this object that can be used by clients to determine when objects have changed."),
      selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
    },
    { description: 'ListMeta describes metadata that synthetic resources must have, including lists and various status objects.' },
  ),
  [META + 'LabelSelector']: obj(
    {
      matchExpressions: arr(ref(META + 'LabelSelectorRequirement'), 'matchExpressions is a list of label selector requirements. The requirements are ANDed.', { listType: 'atomic' }),
      matchLabels: strMap('matchLabels is a map of {key,value} pairs. A single {key,value} in the matchLabels map is equivalent to an element of matchExpressions, whose key field is "key", the operator is "In", and the values array contains only "value".'),
    },
    {
      description: 'A label selector is a label query over a set of resources. The result of matchLabels and matchExpressions are ANDed. An empty label selector matches all objects. A null label selector matches no objects.',
      mapType: 'atomic',
    },
  ),
  [META + 'LabelSelectorRequirement']: obj(
    {
      key: str('key is the label key that the selector applies to.', { default: '' }),
      operator: str("operator represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists and DoesNotExist.", { default: '' }),
      values: atomicStrList('values is an array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty.'),
    },
    { description: 'A label selector requirement is a selector that contains values, a key, and an operator that relates the key and values.', required: ['key', 'operator'] },
  ),
  [META + 'Condition']: obj(
    {
      lastTransitionTime: time('lastTransitionTime is the last time the condition transitioned from one status to another.'),
      message: str('message is a human readable message indicating details about the transition.', { default: '' }),
      observedGeneration: int64('observedGeneration represents the .metadata.generation that the condition was set based upon.'),
      reason: str("reason contains a programmatic identifier indicating the reason for the condition's last transition.", { default: '' }),
      status: str('status of the condition, one of True, False, Unknown.', { default: '' }),
      type: str('type of condition in CamelCase or in foo.example.com/CamelCase.', { default: '' }),
    },
    { description: 'Condition contains details for one aspect of the current state of this API Resource.', required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
  ),
  [META + 'Status']: obj(
    {
      ...typeMetaProps(),
      code: int('Suggested HTTP return code for this status, 0 if not set.'),
      details: ref(META + 'StatusDetails', 'Extended data associated with the reason. Each reason may define its own extended details.'),
      message: str('A human-readable description of the status of this operation.'),
      metadata: sub(META + 'ListMeta', 'Standard list metadata.'),
      reason: str('A machine-readable description of why this operation is in the "Failure" status.'),
      status: str('Status of the operation. One of: "Success" or "Failure".'),
    },
    { description: 'Status is a return value for calls that don\'t return other objects.', gvk: { group: '', version: 'v1', kind: 'Status' } },
  ),
  [META + 'StatusDetails']: obj(
    {
      causes: arr(ref(META + 'StatusCause'), 'The Causes array includes more details associated with the StatusReason failure.', { listType: 'atomic' }),
      group: str('The group attribute of the resource associated with the status StatusReason.'),
      kind: str('The kind attribute of the resource associated with the status StatusReason.'),
      name: str('The name attribute of the resource associated with the status StatusReason (when there is a single name which can be described).'),
      retryAfterSeconds: int('If specified, the time in seconds before the operation should be retried.'),
      uid: str('UID of the resource.'),
    },
    { description: 'StatusDetails is a set of additional properties that MAY be set by the server to provide additional information about a response.' },
  ),
  [META + 'StatusCause']: obj(
    {
      field: str('The field of the resource that has caused this error, as named by its JSON serialization.'),
      message: str('A human-readable description of the cause of the error.'),
      reason: str('A machine-readable description of the cause of the error.'),
    },
    { description: 'StatusCause provides more information about an api.Status failure, including cases when multiple errors are encountered.' },
  ),
  [META + 'Preconditions']: obj(
    {
      resourceVersion: str('Specifies the target ResourceVersion'),
      uid: str('Specifies the target UID.'),
    },
    { description: 'Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out.' },
  ),
  [META + 'DeleteOptions']: {
    ...obj(
      {
        ...typeMetaProps(),
        dryRun: atomicStrList('When present, indicates that modifications should not be persisted. Valid values are: All.'),
        gracePeriodSeconds: int64('The duration in seconds before the object should be deleted. Zero means delete immediately.'),
        ignoreStoreReadErrorWithClusterBreakingPotential: bool('if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error.'),
        orphanDependents: bool('Deprecated: please use the PropagationPolicy. Should the dependent objects be orphaned.'),
        preconditions: ref(META + 'Preconditions', 'Must be fulfilled before a deletion is carried out.'),
        propagationPolicy: str("Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."),
      },
      { description: 'DeleteOptions may be provided when deleting an API object.' },
    ),
    'x-kubernetes-group-version-kind': DELETE_OPTIONS_GVKS,
  },
  [META + 'Patch']: {
    type: 'object',
    description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
    'x-kubernetes-preserve-unknown-fields': true,
  },
  [META + 'WatchEvent']: obj(
    {
      object: open('Object is: * If Type is Added or Modified: the new state of the object. * If Type is Deleted: the state of the object immediately before deletion. * If Type is Error: *Status is recommended.'),
      type: str('ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.', { default: '' }),
    },
    { description: 'Event represents a single event to a watched resource.', required: ['type', 'object'] },
  ),
};
