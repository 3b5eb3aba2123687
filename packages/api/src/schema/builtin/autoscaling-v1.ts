// autoscaling/v1 Scale (Kubernetes v1.32), the body of every /scale subresource.
import type { JSONSchema } from '../types.js';
import { AUTOSCALING, int, kind, obj, ref, str } from './helpers.js';

export const autoscalingV1: Record<string, JSONSchema> = {
  [AUTOSCALING + 'Scale']: kind('autoscaling', 'v1', 'Scale', 'Scale represents a scaling request for a resource.', {
    spec: ref(AUTOSCALING + 'ScaleSpec', 'spec defines the behavior of the scale.', { default: {} }),
    status: ref(AUTOSCALING + 'ScaleStatus', 'status is the current status of the scale. Read-only.', { default: {} }),
  }),
  [AUTOSCALING + 'ScaleSpec']: obj(
    { replicas: int('replicas is the desired number of instances for the scaled object.') },
    { description: 'ScaleSpec describes the attributes of a scale subresource.' },
  ),
  [AUTOSCALING + 'ScaleStatus']: obj(
    {
      replicas: int('replicas is the actual number of observed instances of the scaled object.'),
      selector: str('selector is the label query over pods that should match the replicas count, in string form (e.g. "app=web").'),
    },
    { description: 'ScaleStatus represents the current status of a scale subresource.', required: ['replicas'] },
  ),
};
