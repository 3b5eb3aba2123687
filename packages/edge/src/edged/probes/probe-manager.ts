import type { Logger } from '@kedge/core';
import type { CriClient } from '../../cri/index.js';
import { runProbe, type ProbeSpec, type ProbeTarget } from './handlers.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';
type Result = 'unknown' | 'success' | 'failure';

/** The probed facts of one running container. */
export interface ProbeResults {
  /** False once liveness (or startup) failed failureThreshold times in a row: the container must be restarted. */
  live: boolean;
  /** containerStatuses[].ready: started, and readiness succeeded (true without a readiness probe). */
  ready: boolean;
  /** containerStatuses[].started: the startup probe succeeded (true without one). */
  started: boolean;
  /** The last failure output of the probe that made the container not live. */
  message?: string;
  /** Which probe made it not live. */
  failed?: ProbeKind;
}

export interface ProbeContainer {
  podUid: string;
  containerId: string;
  name: string;
  /** When the container started (ms since epoch): initialDelaySeconds counts from here. */
  startedAtMs: number;
  podIP: string;
  ports: Array<{ name?: string; containerPort: number }>;
  livenessProbe?: ProbeSpec;
  readinessProbe?: ProbeSpec;
  startupProbe?: ProbeSpec;
}

export interface ProbeManager {
  /** Starts the container's probe workers unless they run already. */
  ensure(c: ProbeContainer): void;
  results(containerId: string): ProbeResults;
  /** Stops workers of containers not in `keep` (containers that exited or went away). */
  retain(keep: Set<string>): void;
  stopAll(): void;
}

export interface ProbeManagerOptions {
  cri: CriClient;
  log: Logger;
  now?: () => number;
  /** A probe result changed after its threshold: the pod's status or fate changes. */
  onChange: () => void;
  /** Each failed attempt, for the Unhealthy event ("Liveness probe failed: ..."). */
  onFailure?: (podUid: string, container: string, kind: ProbeKind, output: string) => void;
}

interface Worker {
  kind: ProbeKind;
  result: Result;
  message?: string;
  timer?: NodeJS.Timeout;
  stopped: boolean;
}

const title: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

/**
 * One worker per probe of each running container, as kubelet's prober manager has (pkg/kubelet/prober).
 * Defaults are the API's: period 10 s, timeout 1 s, success 1, failure 3. Readiness starts as failure,
 * liveness as success; liveness and readiness wait for the startup probe to succeed.
 */
export function createProbeManager(o: ProbeManagerOptions): ProbeManager {
  const now = o.now ?? Date.now;
  const byContainer = new Map<string, Map<ProbeKind, Worker>>();

  function startWorker(c: ProbeContainer, kind: ProbeKind, spec: ProbeSpec, all: Map<ProbeKind, Worker>): Worker {
    const w: Worker = { kind, result: kind === 'liveness' ? 'success' : kind === 'readiness' ? 'failure' : 'unknown', stopped: false };
    const period = Math.max(1, spec.periodSeconds ?? 10) * 1000;
    const successT = Math.max(1, kind === 'readiness' ? spec.successThreshold ?? 1 : 1);
    const failureT = Math.max(1, spec.failureThreshold ?? 3);
    const target: ProbeTarget = { cri: o.cri, containerId: c.containerId, podIP: c.podIP, ports: c.ports };
    let successes = 0;
    let failures = 0;
    const schedule = (ms: number) => {
      if (w.stopped) return;
      w.timer = setTimeout(tick, ms);
      w.timer.unref();
    };
    const set = (r: Result, message?: string) => {
      if (message !== undefined) w.message = message;
      if (r === w.result) return;
      w.result = r;
      o.log.debug({ container: c.name, id: c.containerId, kind, result: r }, 'probe result changed');
      o.onChange();
    };
    async function tick(): Promise<void> {
      if (w.stopped) return;
      const startup = all.get('startup');
      // Liveness and readiness are not run until the startup probe has succeeded.
      if (kind !== 'startup' && startup && startup.result !== 'success') return schedule(period);
      // A startup probe that succeeded is done; a liveness failure waits for the restart.
      if ((kind === 'startup' && w.result === 'success') || (kind !== 'readiness' && w.result === 'failure')) return;
      const out = await runProbe(spec, target);
      if (w.stopped) return;
      if (out.ok) {
        failures = 0;
        if (++successes >= successT) set('success');
      } else {
        successes = 0;
        o.onFailure?.(c.podUid, c.name, kind, out.output);
        if (++failures >= failureT) set('failure', out.output);
      }
      schedule(period);
    }
    const delay = Math.max(0, c.startedAtMs + (spec.initialDelaySeconds ?? 0) * 1000 - now());
    schedule(delay);
    return w;
  }

  function stop(id: string): void {
    for (const w of byContainer.get(id)?.values() ?? []) {
      w.stopped = true;
      clearTimeout(w.timer);
    }
    byContainer.delete(id);
  }

  return {
    ensure(c) {
      if (byContainer.has(c.containerId)) return;
      const all = new Map<ProbeKind, Worker>();
      byContainer.set(c.containerId, all);
      const specs: Array<[ProbeKind, ProbeSpec | undefined]> = [['startup', c.startupProbe], ['liveness', c.livenessProbe], ['readiness', c.readinessProbe]];
      for (const [kind, spec] of specs) if (spec) all.set(kind, startWorker(c, kind, spec, all));
    },
    results(id) {
      const all = byContainer.get(id);
      const startup = all?.get('startup');
      const liveness = all?.get('liveness');
      const readiness = all?.get('readiness');
      const started = !startup || startup.result === 'success';
      const r: ProbeResults = { live: true, started, ready: started && (!readiness || readiness.result === 'success') };
      for (const w of [startup, liveness]) {
        if (w?.result === 'failure') {
          r.live = false;
          r.failed = w.kind;
          r.message = `${title[w.kind]} probe failed: ${w.message ?? ''}`;
        }
      }
      return r;
    },
    retain(keep) {
      for (const id of [...byContainer.keys()]) if (!keep.has(id)) stop(id);
    },
    stopAll() {
      for (const id of [...byContainer.keys()]) stop(id);
    },
  };
}

export { title as probeTitle };
