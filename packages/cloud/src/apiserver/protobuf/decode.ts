import protobuf from 'protobufjs';
import { ApiError, kubeTime } from '@kedge/api';
import { inlineFields, k8sProto, kindMessages, pointerFields } from './schema.js';

/** `k8s\0`: the prefix of every application/vnd.kubernetes.protobuf body (runtime/serializer/protobuf). */
export const K8S_PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

let rootCache: protobuf.Root | undefined;
/** Parsed lazily once: most processes never see a protobuf body. */
export function k8sProtoRoot(): protobuf.Root {
  rootCache ??= protobuf.parse(k8sProto, { keepCase: true }).root;
  return rootCache;
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, bytes: String, defaults: false, arrays: false, objects: false };

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

/** Plain Kubernetes JSON from a toObject() result, walking the message type alongside. */
function toJson(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!Object.prototype.hasOwnProperty.call(value, field.name)) continue;
    const v = value[field.name];
    const resolved = field.resolve().resolvedType;
    const msgType = resolved instanceof protobuf.Type ? resolved : undefined;
    const conv = (x: unknown): unknown => (msgType ? special(msgType, x as Record<string, unknown>) : x);
    if (field.map) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length > 0) out[field.name] = Object.fromEntries(entries.map(([k, x]) => [k, conv(x)]));
    } else if (field.repeated) {
      const arr = v as unknown[];
      if (arr.length > 0) out[field.name] = arr.map(conv);
    } else if (msgType) {
      const j = conv(v);
      if (j === undefined) continue;
      if (inlineFields.has(field.name) && typeof j === 'object' && j !== null) Object.assign(out, j);
      else out[field.name] = j;
    } else if (!isZero(v) || pointerFields.has(`${type.name}.${field.name}`)) {
      out[field.name] = v;
    }
  }
  return out;
}

/** Time, IntOrString and Quantity have custom JSON forms; other messages map field by field. */
function special(type: protobuf.Type, v: Record<string, unknown>): unknown {
  switch (type.name) {
    case 'Time': {
      const seconds = Number(v.seconds ?? 0);
      // A zero Time is JSON null; non-pointer Times (creationTimestamp) are always on the wire.
      if (seconds === 0 && Number(v.nanos ?? 0) === 0) return undefined;
      return kubeTime(seconds * 1000);
    }
    case 'IntOrString':
      return Number(v.type ?? 0) === 1 ? String(v.strVal ?? '') : Number(v.intVal ?? 0);
    case 'Quantity':
      return String(v.string ?? '');
    default:
      return toJson(type, v);
  }
}

function decodeMessage(type: protobuf.Type, bytes: Uint8Array): Record<string, unknown> {
  const msg = type.decode(bytes);
  return type.toObject(msg, TO_OBJECT) as Record<string, unknown>;
}

/**
 * Decodes an `application/vnd.kubernetes.protobuf` request body (what kubectl 1.32 sends for
 * `create namespace|configmap|secret|deployment|service` and drain's DeleteOptions) into the JSON
 * object a JSON client would have sent. Unknown kinds are UnsupportedMediaType; malformed bodies
 * are BadRequest.
 */
export function decodeK8sProtobuf(body: Buffer): { apiVersion: string; kind: string; object: Record<string, unknown> } {
  if (body.length < 4 || !body.subarray(0, 4).equals(K8S_PROTOBUF_MAGIC)) {
    throw new ApiError('BadRequest', 'protobuf body does not start with the k8s magic prefix');
  }
  const root = k8sProtoRoot();
  let unknown: Record<string, unknown>;
  try {
    unknown = decodeMessage(root.lookupType('k8s.Unknown'), body.subarray(4));
  } catch (e) {
    throw new ApiError('BadRequest', `unable to decode protobuf envelope: ${(e as Error).message}`, { cause: e });
  }
  const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = typeMeta.apiVersion ?? '';
  const kind = typeMeta.kind ?? '';
  if (unknown.contentEncoding) {
    throw new ApiError('UnsupportedMediaType', `protobuf content encoding "${String(unknown.contentEncoding)}" is not supported`);
  }
  const messageName = kindMessages[`${apiVersion}/${kind}`];
  if (!messageName) {
    throw new ApiError('UnsupportedMediaType', `protobuf bodies of kind "${kind}" (${apiVersion || 'no apiVersion'}) are not supported; send application/json`);
  }
  const raw = Buffer.from(String(unknown.raw ?? ''), 'base64');
  const type = root.lookupType(`k8s.${messageName}`);
  let object: Record<string, unknown>;
  try {
    object = toJson(type, decodeMessage(type, raw));
  } catch (e) {
    throw new ApiError('BadRequest', `unable to decode protobuf ${kind}: ${(e as Error).message}`, { cause: e });
  }
  return { apiVersion, kind, object: { apiVersion, kind, ...object } };
}
