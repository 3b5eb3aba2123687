import { ApiError, R, type KubeObject } from '@kedge/api';
import type { KubeClient } from '@kedge/core';
import type { NodeAuthorizer } from './authorize.js';
import { forbidden } from './authorize.js';
import { asObject } from './upstream-node.js';

interface BoundRef {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

/**
 * edged's projected service-account token query (`{ns}/serviceaccounttoken/{sa}`, content the
 * TokenRequest it wants). Like a kubelet under NodeRestriction, a node gets tokens only for the
 * ServiceAccount of a pod bound to it, and only bound to that pod, so a token dies with the pod.
 */
export async function serviceAccountToken(
  client: KubeClient, auth: NodeAuthorizer, node: string, namespace: string, name: string, content: unknown,
): Promise<KubeObject> {
  const req = asObject(content, 'TokenRequest');
  if (req.kind !== undefined && req.kind !== 'TokenRequest') throw new ApiError('BadRequest', `content must be a TokenRequest, got ${String(req.kind)}`);
  const spec = (req.spec && typeof req.spec === 'object' ? req.spec : {}) as { audiences?: unknown; expirationSeconds?: unknown; boundObjectRef?: BoundRef | null };
  const ref = spec.boundObjectRef;
  const what = `${namespace}/${name}`;
  if (!ref || ref.kind !== 'Pod' || !ref.name) throw forbidden(node, 'request a token not bound to one of its pods for', 'serviceaccount', what);
  const pod = await auth.boundPod(node, 'request tokens for', namespace, ref.name);
  if (ref.uid && ref.uid !== pod.metadata.uid) throw forbidden(node, 'request tokens for', 'pod', `${namespace}/${ref.name} with uid ${ref.uid}`);
  const podSa = (pod.spec?.serviceAccountName as string | undefined) || 'default';
  if (podSa !== name) throw forbidden(node, 'request tokens for', 'serviceaccount', `${what} (pod ${ref.name} runs as ${podSa})`);
  const tokenRequest: KubeObject = {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: { name, namespace },
    spec: {
      ...(Array.isArray(spec.audiences) ? { audiences: spec.audiences } : {}),
      ...(typeof spec.expirationSeconds === 'number' ? { expirationSeconds: spec.expirationSeconds } : {}),
      boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: ref.name, uid: pod.metadata.uid },
    },
  };
  return client.create(R.serviceaccounts, tokenRequest, { subresource: 'token' });
}
