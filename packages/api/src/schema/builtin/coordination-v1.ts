// coordination.k8s.io/v1 Lease (Kubernetes v1.32); node heartbeats and leader election use it.
import type { JSONSchema } from '../types.js';
import { COORD, int, kind, microTime, obj, ref, str } from './helpers.js';

export const coordinationV1: Record<string, JSONSchema> = {
  [COORD + 'Lease']: kind('coordination.k8s.io', 'v1', 'Lease', 'Lease defines a lease concept.', {
    spec: ref(COORD + 'LeaseSpec', 'spec contains the specification of the Lease.', { default: {} }),
  }),
  [COORD + 'LeaseSpec']: obj(
    {
      acquireTime: microTime('acquireTime is a time when the current lease was acquired.'),
      holderIdentity: str('holderIdentity contains the identity of the holder of a current lease.'),
      leaseDurationSeconds: int('leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it. This is measured against the time of last observed renewTime.'),
      leaseTransitions: int('leaseTransitions is the number of transitions of a lease between holders.'),
      preferredHolder: str('PreferredHolder signals to a lease holder that the lease has a more optimal holder and should be given up.'),
      renewTime: microTime('renewTime is a time when the current holder of a lease has last updated the lease.'),
      strategy: str('Strategy indicates the strategy for picking the leader for coordinated leader election, e.g. OldestEmulationVersion.'),
    },
    { description: 'LeaseSpec is a specification of a Lease.' },
  ),
};
