// apiextensions.k8s.io/v1 CustomResourceDefinition (Kubernetes v1.32). JSONSchemaProps is recursive
// and large; it is kept permissive here and checked by the CRD structural-schema validation instead.
import type { JSONSchema } from '../types.js';
import { APIEXT, arr, atomicStrList, bool, bytes, int, keyedList, kind, obj, ref, str, sub, time } from './helpers.js';

const X = (n: string): string => APIEXT + n;

export const apiextensionsV1: Record<string, JSONSchema> = {
  [X('CustomResourceDefinition')]: kind(
    'apiextensions.k8s.io',
    'v1',
    'CustomResourceDefinition',
    'CustomResourceDefinition represents a resource that should be exposed on the API server. Its name MUST be in the format <.spec.name>.<.spec.group>.',
    {
      spec: sub(X('CustomResourceDefinitionSpec'), 'spec describes how the user wants the resources to appear'),
      status: sub(X('CustomResourceDefinitionStatus'), 'status indicates the actual state of the CustomResourceDefinition'),
    },
    { required: ['spec'] },
  ),
  [X('CustomResourceDefinitionSpec')]: obj(
    {
      conversion: ref(X('CustomResourceConversion'), 'conversion defines conversion settings for the CRD.'),
      group: str('group is the API group of the defined custom resource. Must match the name of the CustomResourceDefinition (in the form `<names.plural>.<group>`).', { default: '' }),
      names: sub(X('CustomResourceDefinitionNames'), 'names specify the resource and kind names for the custom resource.'),
      preserveUnknownFields: bool('preserveUnknownFields indicates that object fields which are not specified in the OpenAPI schema should be preserved when persisting to storage. Deprecated; must be false in v1.'),
      scope: str('scope indicates whether the defined custom resource is cluster- or namespace-scoped. Allowed values are `Cluster` and `Namespaced`.', { default: '' }),
      versions: arr(ref(X('CustomResourceDefinitionVersion')), 'versions is the list of all API versions of the defined custom resource.', { listType: 'atomic' }),
    },
    { description: 'CustomResourceDefinitionSpec describes how a user wants their resource to appear', required: ['group', 'names', 'scope', 'versions'] },
  ),
  [X('CustomResourceDefinitionNames')]: obj(
    {
      categories: atomicStrList('categories is a list of grouped resources this custom resource belongs to (e.g. \'all\').'),
      kind: str('kind is the serialized kind of the resource. It is normally CamelCase and singular.', { default: '' }),
      listKind: str('listKind is the serialized kind of the list for this resource. Defaults to "`kind`List".'),
      plural: str('plural is the plural name of the resource to serve. Must be all lowercase.', { default: '' }),
      shortNames: atomicStrList('shortNames are short names for the resource, exposed in API discovery documents. Must be all lowercase.'),
      singular: str('singular is the singular name of the resource. It must be all lowercase. Defaults to lowercased `kind`.'),
    },
    { description: 'CustomResourceDefinitionNames indicates the names to serve this CustomResourceDefinition', required: ['plural', 'kind'] },
  ),
  [X('CustomResourceDefinitionVersion')]: obj(
    {
      additionalPrinterColumns: arr(ref(X('CustomResourceColumnDefinition')), 'additionalPrinterColumns specifies additional columns returned in Table output.', { listType: 'atomic' }),
      deprecated: bool('deprecated indicates this version of the custom resource API is deprecated.'),
      deprecationWarning: str('deprecationWarning overrides the default warning returned to API clients.'),
      name: str('name is the version name, e.g. “v1”, “v2beta1”, etc.', { default: '' }),
      schema: ref(X('CustomResourceValidation'), 'schema describes the schema used for validation, pruning, and defaulting of this version of the custom resource.'),
      selectableFields: arr(ref(X('SelectableField')), 'selectableFields specifies paths to fields that may be used as field selectors.', { listType: 'atomic' }),
      served: bool('served is a flag enabling/disabling this version from being served via REST APIs'),
      storage: bool('storage indicates this version should be used when persisting custom resources to storage. There must be exactly one version with storage=true.'),
      subresources: ref(X('CustomResourceSubresources'), 'subresources specify what subresources this version of the defined custom resource have.'),
    },
    { description: 'CustomResourceDefinitionVersion describes a version for CRD.', required: ['name', 'served', 'storage'] },
  ),
  [X('CustomResourceValidation')]: obj(
    { openAPIV3Schema: ref(X('JSONSchemaProps'), 'openAPIV3Schema is the OpenAPI v3 schema to use for validation and pruning.') },
    { description: 'CustomResourceValidation is a list of validation methods for CustomResources.' },
  ),
  [X('JSONSchemaProps')]: {
    type: 'object',
    description: 'JSONSchemaProps is a JSON-Schema following Specification Draft 4 (http://json-schema.org/).',
    'x-kubernetes-preserve-unknown-fields': true,
  },
  [X('CustomResourceColumnDefinition')]: obj(
    {
      description: str('description is a human readable description of this column.'),
      format: str("format is an optional OpenAPI type definition for this column. The 'name' format is applied to the primary identifier column."),
      jsonPath: str('jsonPath is a simple JSON path (i.e. with array notation) which is evaluated against each custom resource to produce the value for this column.', { default: '' }),
      name: str('name is a human readable name for the column.', { default: '' }),
      priority: int('priority is an integer defining the relative importance of this column compared to others. Columns with priority > 0 are shown in wide view.'),
      type: str('type is an OpenAPI type definition for this column: integer, number, string, boolean or date.', { default: '' }),
    },
    { description: 'CustomResourceColumnDefinition specifies a column for server side printing.', required: ['name', 'type', 'jsonPath'] },
  ),
  [X('SelectableField')]: obj(
    { jsonPath: str('jsonPath is a simple JSON path which is evaluated against each custom resource to produce a field selector value.', { default: '' }) },
    { description: 'SelectableField specifies the JSON path of a field that may be used with field selectors.', required: ['jsonPath'] },
  ),
  [X('CustomResourceSubresources')]: obj(
    {
      scale: ref(X('CustomResourceSubresourceScale'), 'scale indicates the custom resource should serve a `/scale` subresource that returns an `autoscaling/v1` Scale object.'),
      status: ref(X('CustomResourceSubresourceStatus'), 'status indicates the custom resource should serve a `/status` subresource.'),
    },
    { description: 'CustomResourceSubresources defines the status and scale subresources for CustomResources.' },
  ),
  [X('CustomResourceSubresourceStatus')]: {
    type: 'object',
    description: 'CustomResourceSubresourceStatus defines how to serve the status subresource for CustomResources. It has no fields.',
    'x-kubernetes-preserve-unknown-fields': true,
  },
  [X('CustomResourceSubresourceScale')]: obj(
    {
      labelSelectorPath: str('labelSelectorPath defines the JSON path inside of a custom resource that corresponds to Scale `status.selector`.'),
      specReplicasPath: str('specReplicasPath defines the JSON path inside of a custom resource that corresponds to Scale `spec.replicas`.', { default: '' }),
      statusReplicasPath: str('statusReplicasPath defines the JSON path inside of a custom resource that corresponds to Scale `status.replicas`.', { default: '' }),
    },
    { description: 'CustomResourceSubresourceScale defines how to serve the scale subresource for CustomResources.', required: ['specReplicasPath', 'statusReplicasPath'] },
  ),
  [X('CustomResourceConversion')]: obj(
    {
      strategy: str('strategy specifies how custom resources are converted between versions: None or Webhook.', { default: '' }),
      webhook: ref(X('WebhookConversion'), 'webhook describes how to call the conversion webhook. Required when `strategy` is set to `"Webhook"`.'),
    },
    { description: 'CustomResourceConversion describes how to convert different versions of a CR.', required: ['strategy'] },
  ),
  [X('WebhookConversion')]: obj(
    {
      clientConfig: ref(X('WebhookClientConfig'), 'clientConfig is the instructions for how to call the webhook if strategy is `Webhook`.'),
      conversionReviewVersions: atomicStrList('conversionReviewVersions is an ordered list of preferred `ConversionReview` versions the Webhook expects.'),
    },
    { description: 'WebhookConversion describes how to call a conversion webhook', required: ['conversionReviewVersions'] },
  ),
  [X('WebhookClientConfig')]: obj(
    {
      caBundle: bytes('caBundle is a PEM encoded CA bundle which will be used to validate the webhook\'s server certificate.'),
      service: ref(X('ServiceReference'), 'service is a reference to the service for this webhook. Either service or url must be specified.'),
      url: str('url gives the location of the webhook, in standard URL form (`scheme://host:port/path`).'),
    },
    { description: 'WebhookClientConfig contains the information to make a TLS connection with the webhook.' },
  ),
  [X('ServiceReference')]: obj(
    {
      name: str('name is the name of the service. Required', { default: '' }),
      namespace: str('namespace is the namespace of the service. Required', { default: '' }),
      path: str('path is an optional URL path at which the webhook will be contacted.'),
      port: int('port is an optional service port at which the webhook will be contacted. Defaults to 443.'),
    },
    { description: 'ServiceReference holds a reference to Service.legacy.k8s.io', required: ['namespace', 'name'] },
  ),
  [X('CustomResourceDefinitionStatus')]: obj(
    {
      acceptedNames: ref(X('CustomResourceDefinitionNames'), 'acceptedNames are the names that are actually being used to serve discovery.'),
      conditions: keyedList(ref(X('CustomResourceDefinitionCondition')), 'type', 'conditions indicate state for particular aspects of a CustomResourceDefinition', ''),
      storedVersions: atomicStrList('storedVersions lists all versions of CustomResources that were ever persisted.'),
    },
    { description: 'CustomResourceDefinitionStatus indicates the state of the CustomResourceDefinition' },
  ),
  [X('CustomResourceDefinitionCondition')]: obj(
    {
      lastTransitionTime: time('lastTransitionTime last time the condition transitioned from one status to another.'),
      message: str('message is a human-readable message indicating details about last transition.'),
      reason: str("reason is a unique, one-word, CamelCase reason for the condition's last transition."),
      status: str('status is the status of the condition. Can be True, False, Unknown.', { default: '' }),
      type: str('type is the type of the condition. Types include Established, NamesAccepted and Terminating.', { default: '' }),
    },
    { description: 'CustomResourceDefinitionCondition contains details for the current condition of this pod.', required: ['type', 'status'] },
  ),
};
