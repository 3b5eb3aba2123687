import { createHash } from 'node:crypto';
import { ApiError, type KubeObject } from '@kedge/api';
import { parseAllDocuments } from 'yaml';

export const CONFIG_SOURCE = 'kubernetes.io/config.source';
export const CONFIG_HASH = 'kubernetes.io/config.hash';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A Pod from a manifest file as kubelet's file source makes it (pkg/kubelet/config/common.go): the
 * name gets `-<nodeName>`, the namespace defaults to "default", the UID is a hash of the file's
 * content, the node and the source (so an unchanged file keeps its UID across restarts, and an
 * edit gives a new pod), and the config annotations say where it came from.
 */
export function staticPodFromFile(file: string, text: string, nodeName: string): KubeObject {
  const docs = parseAllDocuments(text).filter((d) => d.contents !== null);
  if (docs.length !== 1) throw new ApiError('Invalid', `${file}: want exactly one Pod, found ${docs.length} documents`);
  const doc = docs[0]!;
  if (doc.errors.length) throw new ApiError('Invalid', `${file}: ${doc.errors[0]!.message}`);
  const obj = doc.toJS() as KubeObject;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new ApiError('Invalid', `${file}: not an object`);
  if (obj.kind !== 'Pod') throw new ApiError('Invalid', `${file}: kind: want Pod, got ${JSON.stringify(obj.kind)}`);
  if (obj.apiVersion !== undefined && obj.apiVersion !== 'v1') throw new ApiError('Invalid', `${file}: apiVersion: want v1, got ${JSON.stringify(obj.apiVersion)}`);
  const meta = obj.metadata;
  if (!meta || typeof meta !== 'object') throw new ApiError('Invalid', `${file}: metadata: required`);
  if (typeof meta.name !== 'string' || !DNS_LABEL.test(meta.name)) throw new ApiError('Invalid', `${file}: metadata.name: must be a DNS-1123 label`);
  const containers = obj.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) throw new ApiError('Invalid', `${file}: spec.containers: at least one container is required`);
  for (const [i, c] of (containers as Array<{ name?: unknown; image?: unknown }>).entries()) {
    if (typeof c?.name !== 'string' || !c.name) throw new ApiError('Invalid', `${file}: spec.containers[${i}].name: required`);
    if (typeof c.image !== 'string' || !c.image) throw new ApiError('Invalid', `${file}: spec.containers[${i}].image: required`);
  }
  const namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default';
  const hash = createHash('md5').update(nodeName).update('\0').update('file').update('\0').update(text).digest('hex');
  // UUID-shaped so tools expecting one are content; it is still the content hash kubelet uses.
  const uid = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20)}`;
  return {
    ...obj,
    apiVersion: 'v1',
    metadata: {
      ...meta,
      name: `${meta.name}-${nodeName}`,
      namespace,
      uid,
      annotations: { ...(meta.annotations ?? {}), [CONFIG_SOURCE]: 'file', [CONFIG_HASH]: uid },
    },
    spec: { ...obj.spec, nodeName },
  };
}
