// apps/v1 Deployment, ReplicaSet and DaemonSet (k8s.io/api/apps/v1, Kubernetes v1.32).
import type { JSONSchema } from '../types.js';
import { APPS, CORE, int, int64, intOrString, keyedList, kind, META, obj, ref, str, sub, time } from './helpers.js';

const A = (n: string): string => APPS + n;

const condition = (owner: string, extra: Record<string, JSONSchema> = {}): JSONSchema =>
  obj(
    {
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      ...extra,
      message: str('A human readable message indicating details about the transition.'),
      reason: str("The reason for the condition's last transition."),
      status: str('Status of the condition, one of True, False, Unknown.', { default: '' }),
      type: str(`Type of ${owner} condition.`, { default: '' }),
    },
    { description: `${owner}Condition describes the state of a ${owner.toLowerCase()} at a certain point.`, required: ['type', 'status'] },
  );

const selector = (what: string): JSONSchema =>
  ref(META + 'LabelSelector', `Label selector for pods. Existing ${what} whose pods are selected by this will be the ones affected by this ${what}. It must match the pod template's labels.`);

const minReadySeconds = (): JSONSchema =>
  int('Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0.');

const rollingUpdateFields = (what: string): Record<string, JSONSchema> => ({
  maxSurge: intOrString(`The maximum number of pods that can be scheduled above the desired number of pods during the update (number or percentage). Defaults to ${what === 'DaemonSet' ? '0' : '25%'}.`),
  maxUnavailable: intOrString(`The maximum number of pods that can be unavailable during the update (number or percentage). Defaults to ${what === 'DaemonSet' ? '1' : '25%'}.`),
});

export const appsV1: Record<string, JSONSchema> = {
  [A('Deployment')]: kind('apps', 'v1', 'Deployment', 'Deployment enables declarative updates for Pods and ReplicaSets.', {
    spec: ref(A('DeploymentSpec'), 'Specification of the desired behavior of the Deployment.', { default: {} }),
    status: ref(A('DeploymentStatus'), 'Most recently observed status of the Deployment.', { default: {} }),
  }),
  [A('DeploymentSpec')]: obj(
    {
      minReadySeconds: minReadySeconds(),
      paused: { type: 'boolean', description: 'Indicates that the deployment is paused.' },
      progressDeadlineSeconds: int('The maximum time in seconds for a deployment to make progress before it is considered to be failed. Defaults to 600s.'),
      replicas: int('Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.'),
      revisionHistoryLimit: int('The number of old ReplicaSets to retain to allow rollback. Defaults to 10.'),
      selector: selector('ReplicaSets'),
      strategy: { ...ref(A('DeploymentStrategy'), 'The deployment strategy to use to replace existing pods with new ones.', { default: {} }), 'x-kubernetes-patch-strategy': 'retainKeys' },
      template: sub(CORE + 'PodTemplateSpec', 'Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is "Always".'),
    },
    { description: 'DeploymentSpec is the specification of the desired behavior of the Deployment.', required: ['selector', 'template'] },
  ),
  [A('DeploymentStrategy')]: obj(
    {
      rollingUpdate: ref(A('RollingUpdateDeployment'), 'Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate.'),
      type: str('Type of deployment. Can be "Recreate" or "RollingUpdate". Default is RollingUpdate.'),
    },
    { description: 'DeploymentStrategy describes how to replace existing pods with new ones.' },
  ),
  [A('RollingUpdateDeployment')]: obj(rollingUpdateFields('Deployment'), { description: 'Spec to control the desired behavior of rolling update.' }),
  [A('DeploymentStatus')]: obj(
    {
      availableReplicas: int('Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.'),
      collisionCount: int('Count of hash collisions for the Deployment. Used as a collision avoidance mechanism when it needs to create the name for the newest ReplicaSet.'),
      conditions: keyedList(ref(A('DeploymentCondition')), 'type', "Represents the latest available observations of a deployment's current state."),
      observedGeneration: int64('The generation observed by the deployment controller.'),
      readyReplicas: int('Total number of non-terminating pods targeted by this Deployment with a Ready Condition.'),
      replicas: int('Total number of non-terminating pods targeted by this deployment (their labels match the selector).'),
      terminatingReplicas: int('Total number of terminating pods targeted by this deployment.'),
      unavailableReplicas: int('Total number of unavailable pods targeted by this deployment.'),
      updatedReplicas: int('Total number of non-terminating pods targeted by this deployment that have the desired template spec.'),
    },
    { description: 'DeploymentStatus is the most recently observed status of the Deployment.' },
  ),
  [A('DeploymentCondition')]: condition('Deployment', { lastUpdateTime: time('The last time this condition was updated.') }),

  [A('ReplicaSet')]: kind('apps', 'v1', 'ReplicaSet', 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.', {
    spec: ref(A('ReplicaSetSpec'), 'Spec defines the specification of the desired behavior of the ReplicaSet.', { default: {} }),
    status: ref(A('ReplicaSetStatus'), 'Status is the most recently observed status of the ReplicaSet.', { default: {} }),
  }),
  [A('ReplicaSetSpec')]: obj(
    {
      minReadySeconds: minReadySeconds(),
      replicas: int('Replicas is the number of desired pods. Defaults to 1.'),
      selector: selector('ReplicaSets'),
      template: sub(CORE + 'PodTemplateSpec', 'Template is the object that describes the pod that will be created if insufficient replicas are detected.'),
    },
    { description: 'ReplicaSetSpec is the specification of a ReplicaSet.', required: ['selector'] },
  ),
  [A('ReplicaSetStatus')]: obj(
    {
      availableReplicas: int('The number of available non-terminating pods (ready for at least minReadySeconds) for this replica set.'),
      conditions: keyedList(ref(A('ReplicaSetCondition')), 'type', "Represents the latest available observations of a replica set's current state."),
      fullyLabeledReplicas: int('The number of non-terminating pods that have labels matching the labels of the pod template of the replicaset.'),
      observedGeneration: int64('ObservedGeneration reflects the generation of the most recently observed ReplicaSet.'),
      readyReplicas: int('The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.'),
      replicas: int('Replicas is the most recently observed number of non-terminating pods.'),
      terminatingReplicas: int('The number of terminating pods for this replica set.'),
    },
    { description: 'ReplicaSetStatus represents the current status of a ReplicaSet.', required: ['replicas'] },
  ),
  [A('ReplicaSetCondition')]: condition('ReplicaSet'),

  [A('DaemonSet')]: kind('apps', 'v1', 'DaemonSet', 'DaemonSet represents the configuration of a daemon set.', {
    spec: ref(A('DaemonSetSpec'), 'The desired behavior of this daemon set.', { default: {} }),
    status: ref(A('DaemonSetStatus'), 'The current status of this daemon set.', { default: {} }),
  }),
  [A('DaemonSetSpec')]: obj(
    {
      minReadySeconds: minReadySeconds(),
      revisionHistoryLimit: int('The number of old history to retain to allow rollback. Defaults to 10.'),
      selector: selector('DaemonSets'),
      template: sub(CORE + 'PodTemplateSpec', 'An object that describes the pod that will be created. The DaemonSet will create exactly one copy of this pod on every node that matches the template\'s node selector.'),
      updateStrategy: sub(A('DaemonSetUpdateStrategy'), 'An update strategy to replace existing DaemonSet pods with new pods.'),
    },
    { description: 'DaemonSetSpec is the specification of a daemon set.', required: ['selector', 'template'] },
  ),
  [A('DaemonSetUpdateStrategy')]: obj(
    {
      rollingUpdate: ref(A('RollingUpdateDaemonSet'), 'Rolling update config params. Present only if type = "RollingUpdate".'),
      type: str('Type of daemon set update. Can be "RollingUpdate" or "OnDelete". Default is RollingUpdate.'),
    },
    { description: 'DaemonSetUpdateStrategy is a struct used to control the update strategy for a DaemonSet.' },
  ),
  [A('RollingUpdateDaemonSet')]: obj(rollingUpdateFields('DaemonSet'), { description: 'Spec to control the desired behavior of daemon set rolling update.' }),
  [A('DaemonSetStatus')]: obj(
    {
      collisionCount: int('Count of hash collisions for the DaemonSet.'),
      conditions: keyedList(ref(A('DaemonSetCondition')), 'type', "Represents the latest available observations of a DaemonSet's current state."),
      currentNumberScheduled: int('The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
      desiredNumberScheduled: int('The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).'),
      numberAvailable: int('The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.'),
      numberMisscheduled: int('The number of nodes that are running the daemon pod, but are not supposed to run the daemon pod.'),
      numberReady: int('numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.'),
      numberUnavailable: int('The number of nodes that should be running the daemon pod and have none of the daemon pod running and available.'),
      observedGeneration: int64('The most recent generation observed by the daemon set controller.'),
      updatedNumberScheduled: int('The total number of nodes that are running updated daemon pod'),
    },
    { description: 'DaemonSetStatus represents the current status of a daemon set.', required: ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'] },
  ),
  [A('DaemonSetCondition')]: condition('DaemonSet'),
};
