/** KubeEdge's EventBus topics (`dtcommon/common.go`, kubeedge-reference.md §8); device id = `{ns}/{name}`. */

export const DEVICE_PREFIX = '$hw/events/device/';
export const NODE_PREFIX = '$hw/events/node/';
export const UPLOAD_PREFIX = '$hw/events/upload/';
export const UPLOAD_RECORDS = 'SYS/dis/upload_records';

/** What EdgeCore's MQTT client subscribes to (QoS 1). */
export const SUBSCRIBED_TOPICS = [
  '$hw/events/upload/#',
  '$hw/events/device/+/+/state/update',
  '$hw/events/device/+/+/twin/+',
  '$hw/events/node/+/membership/get',
  UPLOAD_RECORDS,
] as const;

export const deviceTopic = (ns: string, name: string, suffix: string): string => `${DEVICE_PREFIX}${ns}/${name}/${suffix}`;

export type ParsedTopic =
  | { kind: 'device'; namespace: string; name: string; action: string }
  | { kind: 'membership-get'; node: string }
  | { kind: 'upload' }
  | { kind: 'other' };

export function parseTopic(topic: string): ParsedTopic {
  if (topic.startsWith(DEVICE_PREFIX)) {
    const parts = topic.slice(DEVICE_PREFIX.length).split('/');
    if (parts.length >= 3 && parts[0] && parts[1]) return { kind: 'device', namespace: parts[0], name: parts[1], action: parts.slice(2).join('/') };
    return { kind: 'other' };
  }
  if (topic.startsWith(NODE_PREFIX)) {
    const parts = topic.slice(NODE_PREFIX.length).split('/');
    if (parts.length === 3 && parts[1] === 'membership' && parts[2] === 'get') return { kind: 'membership-get', node: parts[0] ?? '' };
    return { kind: 'other' };
  }
  if (topic.startsWith(UPLOAD_PREFIX) || topic === UPLOAD_RECORDS) return { kind: 'upload' };
  return { kind: 'other' };
}
