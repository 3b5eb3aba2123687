import type { TwinCore } from './device-twin.js';
import { deviceTopic, NODE_PREFIX, parseTopic } from './topics.js';
import { isObj, msgTwins, TwinError } from './twin-rules.js';

/**
 * MQTT → DeviceTwin (KubeEdge's dtmanager communication/twin/device/membership handlers). Every
 * request gets a result; a bad payload is answered with code 400 and never throws.
 */

function parsePayload(payload: Buffer | string): unknown {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new TwinError(400, 'payload is not valid JSON');
  }
}

/** Go's encoding/json matches keys case-insensitively; DMI-generated state messages say `State`. */
function field(o: Record<string, unknown>, key: string): unknown {
  if (key in o) return o[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
  return undefined;
}

const errorResult = (eventId: string, now: number, err: unknown) => {
  const e = err instanceof TwinError ? err : new TwinError(500, (err as Error)?.message ?? String(err));
  return { event_id: eventId, timestamp: now, code: e.code, reason: e.message };
};

export function handleBusMessage(core: TwinCore, topic: string, payload: Buffer | string): void {
  try {
    dispatch(core, topic, payload);
  } catch (err) {
    core.log.error({ err, topic }, 'bus message handler failed');
  }
}

function dispatch(core: TwinCore, topic: string, payload: Buffer | string): void {
  const t = parseTopic(topic);
  if (t.kind === 'upload') {
    const text = typeof payload === 'string' ? payload : payload.toString('utf8');
    let content: unknown = text;
    try {
      content = JSON.parse(text);
    } catch {
      // Telemetry need not be JSON; it goes up as the string it was.
    }
    core.upload(topic, content);
    return;
  }
  if (t.kind === 'membership-get') {
    const resultTopic = `${NODE_PREFIX}${t.node}/membership/get/result`;
    let eventId = '';
    try {
      const body = parsePayload(payload);
      if (isObj(body) && typeof body.event_id === 'string') eventId = body.event_id;
      if (t.node !== core.nodeName) throw new TwinError(404, `node ${t.node} is not this node (${core.nodeName})`);
      core.publish(resultTopic, { event_id: eventId, timestamp: core.now(), devices: core.membership() });
    } catch (err) {
      core.publish(resultTopic, errorResult(eventId, core.now(), err));
    }
    return;
  }
  if (t.kind !== 'device') {
    core.log.debug({ topic }, 'topic not handled');
    return;
  }
  const { namespace: ns, name, action } = t;
  const resultSuffix =
    action === 'twin/update' || action === 'twin/cloud_updated' ? 'twin/update/result'
      : action === 'twin/get' ? 'twin/get/result'
        : action === 'state/update' ? 'state/update/result'
          : undefined;
  if (!resultSuffix) {
    core.log.debug({ topic }, 'device topic not handled');
    return;
  }
  const resultTopic = deviceTopic(ns, name, resultSuffix);
  let eventId = '';
  try {
    const body = parsePayload(payload);
    if (!isObj(body)) throw new TwinError(400, 'payload must be a JSON object');
    if (typeof body.event_id === 'string') eventId = body.event_id;
    if (action === 'twin/get') {
      if (!core.known(ns, name)) throw new TwinError(404, `device ${ns}/${name} is not on node ${core.nodeName}`);
      core.publish(resultTopic, { event_id: eventId, timestamp: core.now(), twin: msgTwins(core.twinMap(ns, name)) });
      return;
    }
    if (action === 'state/update') {
      const state = field(body, 'state');
      if (typeof state !== 'string') throw new TwinError(400, 'state must be a string');
      const row = core.setState(ns, name, state);
      core.publish(resultTopic, { event_id: eventId, timestamp: core.now(), device: { name: row.name, state: row.state, last_online: row.lastOnline } });
      return;
    }
    if (!isObj(body.twin)) throw new TwinError(400, 'twin must be an object of property name to twin');
    const updated = core.update(ns, name, body.twin, eventId, action === 'twin/cloud_updated');
    core.publish(resultTopic, { event_id: eventId, timestamp: core.now(), twin: msgTwins(updated) });
  } catch (err) {
    if (!(err instanceof TwinError)) core.log.error({ err, topic }, 'twin request failed');
    core.publish(resultTopic, errorResult(eventId, core.now(), err));
  }
}
