import { Group, Op, Source, kubeTime, responseTo, splitNodeResource, type Message } from '@kedge/api';
import type { Informer } from '@kedge/core';
import type { Logger } from 'pino';
import type { CloudHub } from '../cloudhub/types.js';
import type { MembershipDevice } from './messages.js';
import type { SpoolStatus, StatusWriter, TwinUpdate, TwinValue } from './status-writer.js';
import type { TelemetryLog } from './telemetry.js';

export interface DeviceUpstreamDeps {
  hub: CloudHub;
  devices: Informer;
  status: StatusWriter;
  telemetry: TelemetryLog;
  membership: (node: string) => MembershipDevice[];
  log: Logger;
  now?: () => number;
}

const TWIN_RE = /^device\/([^/]+)\/([^/]+)\/twin\/edge_updated$/;
const STATE_RE = /^device\/([^/]+)\/([^/]+)\/state\/update$/;
/** dtcommon's accepted device states; online/ok also set last_online. */
const STATES = new Set(['online', 'offline', 'ok', 'unknown', 'unhealthy']);

/** Edges put `[]byte` payloads on the wire as base64 (Go's JSON), or JSON text; objects pass through. */
export function decodeContent(content: unknown): unknown {
  if (typeof content !== 'string') return content;
  try {
    return JSON.parse(content);
  } catch {
    try {
      return JSON.parse(Buffer.from(content, 'base64').toString('utf8'));
    } catch {
      return undefined;
    }
  }
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A MsgTwin's actual/expected → the CRD's TwinProperty (string value, string metadata). */
function twinValue(v: unknown, type: unknown, fallbackTs: number): TwinValue | undefined {
  if (!isObj(v) || v.value === undefined || v.value === null) return undefined;
  const ts = isObj(v.metadata) && v.metadata.timestamp !== undefined ? v.metadata.timestamp : fallbackTs;
  return {
    value: typeof v.value === 'string' ? v.value : JSON.stringify(v.value),
    metadata: { timestamp: String(ts), ...(typeof type === 'string' && type ? { type } : {}) },
  };
}

function spoolOf(v: unknown): SpoolStatus | undefined {
  if (!isObj(v)) return undefined;
  const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? Math.floor(x) : 0);
  return { buffered: n(v.buffered), bufferedBytes: n(v.bufferedBytes), dropped: n(v.dropped) };
}

/**
 * Edge → cloud device traffic (KubeEdge's devicecontroller upstream plus the router's upload path):
 * twin reports and device states become coalesced status writes, `membership/detail` is answered from the
 * cache, telemetry uploads are counted. A node may only report devices whose spec.nodeName is that node.
 * Bad payloads are logged and dropped; nothing here throws.
 */
export class DeviceUpstream {
  private readonly now: () => number;

  constructor(private readonly d: DeviceUpstreamDeps) {
    this.now = d.now ?? Date.now;
  }

  /** True when the message was for this controller (handled or refused). */
  handle(node: string, msg: Message): boolean {
    const group = msg.route?.group;
    const op = msg.route?.operation ?? '';
    if ((group !== Group.twin && group !== Group.user) || op === Op.response || op === Op.error) return false;
    const split = splitNodeResource(msg.route.resource ?? '');
    if (!split || split.node !== node) {
      this.d.log.warn({ node, resource: msg.route.resource }, 'device message for another node refused');
      return true;
    }
    const rest = split.rest;
    if (group === Group.user) {
      if (op !== Op.upload) return false;
      this.d.telemetry.add(node, { topic: rest, content: decodeContent(msg.content), timestamp: msg.header.timestamp, receivedAt: this.now() });
      this.d.log.debug({ node, topic: rest }, 'telemetry upload');
      return true;
    }
    if (rest === 'membership/detail' && (op === Op.get || op === Op.query)) {
      const content = { event_id: globalThis.crypto.randomUUID(), timestamp: this.now(), devices: this.d.membership(node) };
      this.d.hub.send(node, responseTo(msg, content, Source.deviceController));
      return true;
    }
    let m: RegExpMatchArray | null;
    if (op === Op.update && (m = rest.match(TWIN_RE))) this.twin(node, m[1]!, m[2]!, msg);
    else if (op === Op.update && (m = rest.match(STATE_RE))) this.state(node, m[1]!, m[2]!, msg);
    else this.d.log.debug({ node, op, resource: rest }, 'unhandled twin message');
    return true;
  }

  private authorized(node: string, ns: string, name: string): boolean {
    const dev = this.d.devices.get(`${ns}/${name}`);
    if (dev && dev.spec?.nodeName === node) return true;
    this.d.log.warn({ node, device: `${ns}/${name}`, deviceNode: dev?.spec?.nodeName }, 'node may not report this device, refused');
    return false;
  }

  private twin(node: string, ns: string, name: string, msg: Message): void {
    if (!this.authorized(node, ns, name)) return;
    const c = decodeContent(msg.content);
    if (!isObj(c) || !isObj(c.twin)) {
      this.d.log.warn({ node, device: `${ns}/${name}` }, 'twin report without a twin object, dropped');
      return;
    }
    const ts = typeof c.timestamp === 'number' ? c.timestamp : msg.header.timestamp;
    const twins = new Map<string, TwinUpdate>();
    for (const [prop, t] of Object.entries(c.twin)) {
      if (!prop || !isObj(t)) continue;
      const type = isObj(t.metadata) ? t.metadata.type : undefined;
      const reported = twinValue(t.actual, type, ts);
      const observedDesired = twinValue(t.expected, type, ts);
      if (reported || observedDesired) twins.set(prop, { ...(reported ? { reported } : {}), ...(observedDesired ? { observedDesired } : {}) });
    }
    if (twins.size) this.d.status.update(ns, name, { twins });
  }

  private state(node: string, ns: string, name: string, msg: Message): void {
    if (!this.authorized(node, ns, name)) return;
    const c = decodeContent(msg.content);
    // The DMI-generated payload marshals the key as `State` (no JSON tag); Go matches keys case-insensitively.
    const raw = isObj(c) ? c.state ?? c.State : undefined;
    const state = typeof raw === 'string' ? raw.toLowerCase() : undefined;
    if (!state || !STATES.has(state)) {
      this.d.log.warn({ node, device: `${ns}/${name}`, state: raw }, `device state must be one of ${[...STATES].join('|')}, dropped`);
      return;
    }
    const ts = isObj(c) && typeof c.timestamp === 'number' ? c.timestamp : msg.header.timestamp;
    const lastOnline = isObj(c) && typeof c.lastOnline === 'string' && c.lastOnline ? c.lastOnline : kubeTime(ts);
    const spool = isObj(c) ? spoolOf(c.spool) : undefined;
    this.d.status.update(ns, name, {
      state,
      ...(state === 'online' || state === 'ok' ? { lastOnlineTime: lastOnline } : {}),
      ...(spool ? { spool } : {}),
    });
  }
}
