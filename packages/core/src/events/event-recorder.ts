import { randomBytes } from 'node:crypto';
import { R, isNotFound, type KubeObject, kubeTime } from '@kedge/api';
import type { Logger } from 'pino';
import type { KubeClient } from '../client/types.js';
import type { EventRecorder } from '../controller/types.js';

export interface EventRecorderOptions {
  now?: () => number;
  /** Repeats of the same (object, type, reason, message) within this window bump count instead of creating. */
  aggregateWindowMs?: number;
  /** Per involved object: burst of events, then one more per refillMs (upstream spam filter: 25, 5 min). */
  burst?: number;
  refillMs?: number;
}

export interface FlushableEventRecorder extends EventRecorder {
  /** Resolves once every event recorded so far has been written (or failed); for tests and shutdown. */
  flush(): Promise<void>;
}

const seconds = kubeTime;

interface Seen {
  name: string;
  namespace: string;
  count: number;
  lastMs: number;
}

/** core/v1 Event writer with client-go's aggregation (count/lastTimestamp) and per-object spam filter. */
export function createEventRecorder(client: KubeClient, component: string, log: Logger, opts: EventRecorderOptions = {}): FlushableEventRecorder {
  const now = opts.now ?? Date.now;
  const window = opts.aggregateWindowMs ?? 10 * 60_000;
  const burst = opts.burst ?? 25;
  const refillMs = opts.refillMs ?? 5 * 60_000;
  const seen = new Map<string, Seen>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  const pending = new Set<Promise<void>>();
  const elog = log.child({ module: 'events', component });

  const allow = (objKey: string): boolean => {
    const t = now();
    const b = buckets.get(objKey) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + (t - b.at) / refillMs);
    b.at = t;
    buckets.set(objKey, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };

  const prune = () => {
    if (seen.size < 4096) return;
    const cutoff = now() - window;
    for (const [k, v] of seen) if (v.lastMs < cutoff) seen.delete(k);
    for (const [k, v] of buckets) if (v.tokens >= burst - 1 && now() - v.at > refillMs) buckets.delete(k);
  };

  async function write(involved: KubeObject, type: string, reason: string, message: string): Promise<void> {
    const m = involved.metadata;
    const namespace = m.namespace || 'default';
    const objId = `${involved.kind}/${namespace}/${m.name}/${m.uid ?? ''}`;
    const aggKey = `${objId}|${type}|${reason}|${message}`;
    const t = now();
    const prev = seen.get(aggKey);
    if (prev && t - prev.lastMs < window) {
      prev.count += 1;
      prev.lastMs = t;
      try {
        await client.patch(R.events, prev.namespace, prev.name, 'merge', { count: prev.count, lastTimestamp: seconds(t) });
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        seen.delete(aggKey);
      }
    }
    const name = `${m.name}.${randomBytes(8).toString('hex')}`;
    const ev: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        kind: involved.kind,
        namespace: m.namespace,
        name: m.name,
        uid: m.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: m.resourceVersion,
      },
      reason,
      message,
      type,
      source: { component },
      reportingComponent: component,
      reportingInstance: component,
      firstTimestamp: seconds(t),
      lastTimestamp: seconds(t),
      count: 1,
    };
    await client.create(R.events, ev);
    seen.set(aggKey, { name, namespace, count: 1, lastMs: t });
    prune();
  }

  return {
    event(involved, type, reason, message) {
      const m = involved.metadata;
      if (!allow(`${involved.kind}/${m.namespace ?? ''}/${m.name}`)) {
        elog.debug({ reason, object: m.name }, 'event dropped by spam filter');
        return;
      }
      const p = write(involved, type, reason, message)
        .catch((err) => elog.warn({ err, reason, object: m.name }, 'event write failed'))
        .finally(() => pending.delete(p));
      pending.add(p);
    },
    async flush() {
      while (pending.size) await Promise.all([...pending]);
    },
  };
}

