import { Group, Op, ResType, Source, buildCloudResource, newMessage, type KubeObject, type Message } from '@kedge/api';

export type DeviceType = typeof ResType.device | typeof ResType.deviceModel;

const KINDS: Record<DeviceType, string> = { device: 'Device', devicemodel: 'DeviceModel' };
export const DEVICES_API_VERSION = 'devices.kubeedge.io/v1beta1';

/** Informer objects may lack type meta; the edge (and CloudHub's ObjectSync record) need apiVersion/kind. */
export function withDeviceTypeMeta(type: DeviceType, obj: KubeObject): KubeObject {
  return { ...obj, apiVersion: DEVICES_API_VERSION, kind: KINDS[type] };
}

/**
 * `node/{node}/{ns}/device/{name}` (or `devicemodel`), group `resource`, content the whole object,
 * header resourceversion = its RV: CloudHub acks, dedups, resends and records ObjectSync for it.
 */
export function objectMessage(node: string, op: string, type: DeviceType, obj: KubeObject): Message {
  return newMessage({
    source: Source.deviceController,
    group: Group.resource,
    operation: op,
    resource: buildCloudResource(node, obj.metadata.namespace, type, obj.metadata.name),
    content: withDeviceTypeMeta(type, obj),
    ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
  });
}

/** What a delete carries when the final object is unknown (CloudCore restarted): enough to find and check it. */
export function minimalDeviceObject(type: DeviceType, namespace: string | undefined, name: string, uid: string | undefined): KubeObject {
  return { apiVersion: DEVICES_API_VERSION, kind: KINDS[type], metadata: { name, ...(namespace ? { namespace } : {}), ...(uid ? { uid } : {}) } };
}

export const kindToType = (kind: unknown): DeviceType | undefined => (kind === 'Device' ? 'device' : kind === 'DeviceModel' ? 'devicemodel' : undefined);

/** KubeEdge's dttype.MsgTwin as the cloud builds it from a Device's desired values. */
interface MsgTwin {
  expected?: { value: string; metadata: { timestamp: number } };
  optional: boolean;
  metadata: { type: string };
}

/** KubeEdge's dttype.Device (membership payloads): id is `{ns}/{name}` since v1.17. */
export interface MembershipDevice {
  id: string;
  name: string;
  description: string;
  state: string;
  last_online: string;
  attributes: Record<string, unknown>;
  twin: Record<string, MsgTwin>;
}

export function membershipDevice(device: KubeObject, model: KubeObject | undefined, now: number): MembershipDevice {
  const modelProps = new Map<string, { type?: string }>(((model?.spec?.properties ?? []) as Array<{ name: string; type?: string }>).map((p) => [p.name, p]));
  const twin: Record<string, MsgTwin> = {};
  for (const p of (device.spec?.properties ?? []) as Array<{ name: string; desired?: { value?: string } }>) {
    twin[p.name] = {
      ...(p.desired?.value !== undefined ? { expected: { value: String(p.desired.value), metadata: { timestamp: now } } } : {}),
      optional: false,
      metadata: { type: (modelProps.get(p.name)?.type ?? 'string').toLowerCase() },
    };
  }
  return {
    id: `${device.metadata.namespace}/${device.metadata.name}`,
    name: device.metadata.name!,
    description: String(device.metadata.annotations?.description ?? ''),
    state: String(device.status?.state ?? ''),
    last_online: String(device.status?.lastOnlineTime ?? ''),
    attributes: {},
    twin,
  };
}

/** Best-effort `twin`/`update` on `node/{node}/membership` (no-ack in CloudHub); the resource messages are authoritative. */
export function membershipMessage(node: string, added: MembershipDevice[], removed: MembershipDevice[], now: number): Message {
  return newMessage({
    source: Source.deviceController,
    group: Group.twin,
    operation: Op.update,
    resource: `node/${node}/${ResType.membership}`,
    content: { event_id: globalThis.crypto.randomUUID(), timestamp: now, added_devices: added, removed_devices: removed },
    now,
  });
}
