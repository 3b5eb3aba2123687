import { mkdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ResType, type KubeObject } from '@kedge/api';
import type { Logger, Module } from '@kedge/core';
import type { EdgeConfig } from '../config/index.js';
import type { EdgeLink } from '../edgehub/types.js';
import type { ObjectOp } from '../metamanager/meta-manager.js';
import type { MetaStore } from '../metamanager/meta-store.js';
import { firstIPv4 } from '../nodestatus/index.js';
import { createNoRuntime } from './no-runtime.js';
import { createPodManager, type PodManager } from './pod-manager/index.js';
import { ensureLocalImages, resolveRuntime } from './runtime.js';
import { createStaticPodSource } from './static-pods/index.js';
import { removePods } from './remove-pods.js';
import { createStatusReporter } from './status-reporter.js';
import { createVolumeManager } from './volumes/index.js';
import { untilAborted } from '@kedge/core';

export interface EdgedOptions {
  config: EdgeConfig['edged'];
  dataDir: string;
  nodeName: string;
  link: EdgeLink;
  /** The MetaManager's cache: the source of truth for this node's pods, also with the cloud gone. */
  store: MetaStore;
  log: Logger;
  /** Operator-facing lines (the CLI prints them): the runtime in use, or why there is none. */
  out?: (line: string) => void;
  /**
   * Debounce of change-triggered syncs (default 20 ms: it only has to merge the changes of one burst; every
   * pod waited it out before its sandbox, and 100 ms was most of kedge's own share of one pod's start,
   * docs/benchmarks.md "Edge" round 4).
   */
  debounceMs?: number;
}

export interface Edged extends Module {
  /** A MetaManager object handler: pod, ConfigMap and Secret changes trigger a sync. */
  onObject(op: ObjectOp, edgeType: string, obj: KubeObject): void;
  /** Containers started since this EdgeCore started, and pods whose last reported phase is Running (metrics). */
  stats(): { containerStarts: number; running: number };
  /** `<runtime>://<version>` once a runtime answered (node status CONTAINER-RUNTIME); undefined without one. */
  runtimeVersion(): string | undefined;
}

const TRIGGERS: ReadonlySet<string> = new Set([ResType.pod, ResType.configmap, ResType.secret]);

/**
 * Edged: runs this node's pods (MetaStore cache + static pods) on containerd through CRI, level-triggered
 * on every change and every `syncSeconds`, reports statuses and events upstream (kept while offline), and
 * finishes graceful deletions once the runtime is clear of a pod. Without a runtime it falls back to
 * reporting pods as waiting for one (no-runtime).
 */
export function createEdged(o: EdgedOptions): Edged {
  const log = o.log.child({ module: 'edged' });
  const cfg = o.config;
  const out = o.out ?? (() => {});
  let handler: (op: ObjectOp, edgeType: string, obj: KubeObject) => void = () => {};
  let containerStarts = 0;
  let runtimeVersion: string | undefined;
  const phases = new Map<string, string>();

  const fallBack = async (signal: AbortSignal, line: string | undefined): Promise<void> => {
    if (line) {
      out(line);
      log.warn(line);
    }
    const noRuntime = createNoRuntime({ nodeName: o.nodeName, link: o.link, log: o.log });
    handler = (op, type, obj) => noRuntime.onObject(op, type, obj);
    // Pods cached before this start get their status too (the cloud resends on reconnect as well).
    for (const pod of o.store.list(ResType.pod)) noRuntime.onObject('insert', ResType.pod, pod);
    await untilAborted(signal);
  };

  async function start(signal: AbortSignal): Promise<void> {
    if (!cfg.enable) return fallBack(signal, undefined);
    const rt = await resolveRuntime({
      endpoint: cfg.runtimeEndpoint, privateContainerd: cfg.privateContainerd, dir: join(o.dataDir, 'containerd'), sandboxImage: cfg.sandboxImage, log: o.log,
    });
    if (rt.kind === 'none') return fallBack(signal, rt.line);
    const { cri, containerd } = rt;
    try {
      if (signal.aborted) return;
      const v = await cri.version({}).catch(() => undefined);
      if (v) runtimeVersion = `${v.runtimeName}://${v.runtimeVersion}`;
      for (const d of [cfg.rootDir, cfg.podLogDir, cfg.staticPodPath]) mkdirSync(d, { recursive: true });
      await ensureLocalImages({ cri, containerd, sandboxImage: cfg.sandboxImage, busybox: cfg.localBusybox, log, tmpDir: o.dataDir });
      out(`edged running pods on ${containerd.private ? 'a private containerd' : 'containerd'} at unix://${containerd.socket}`);
      await runPods(signal, createRunner(cri));
    } finally {
      if (cfg.stopPodsOnExit) {
        const n = await removePods(cri).catch((err: unknown) => {
          log.warn({ err }, 'stopping pods on exit failed');
          return 0;
        });
        log.info({ pods: n }, 'pods stopped on exit');
      }
      cri.close();
      // Otherwise containers keep running in their shims; the next EdgeCore adopts them (a kubelet restart).
      await containerd.stop();
    }
  }

  function createRunner(cri: Parameters<typeof createPodManager>[0]['cri']): { pm: PodManager; reporter: ReturnType<typeof createStatusReporter>; volumes: ReturnType<typeof createVolumeManager> } {
    const hostIP = firstIPv4() ?? '';
    const node = { name: o.nodeName, hostIP, ...(hostIP ? { hostIPs: [hostIP] } : {}) };
    const volumes = createVolumeManager({ rootDir: cfg.rootDir, log: o.log, store: o.store, node });
    const reporter = createStatusReporter({ link: o.link, nodeName: o.nodeName, log: o.log });
    const pm = createPodManager({
      cri, nodeName: o.nodeName, log: o.log, podLogDir: cfg.podLogDir, sandboxImage: cfg.sandboxImage,
      report: (pod, status) => {
        phases.set(pod.metadata.uid ?? '', String(status.phase ?? ''));
        reporter.report(pod, status);
      },
      ...(hostIP ? { hostIP } : {}),
      volumes, store: o.store, node,
      events: (pod, type, reason, message) => {
        if (reason === 'Started') containerStarts++;
        reporter.event(pod, { type, reason, message });
      },
      onChange: () => trigger(),
    });
    return { pm, reporter, volumes };
  }

  let trigger: () => void = () => {};

  async function runPods(signal: AbortSignal, r: ReturnType<typeof createRunner>): Promise<void> {
    const { pm, reporter, volumes } = r;
    const deleted = new Set<string>();
    const staticPods = createStaticPodSource({ dir: cfg.staticPodPath, nodeName: o.nodeName, log: o.log, checkMs: cfg.staticPodCheckSeconds * 1000, onChange: () => trigger() });

    let generation = 0;
    const syncOnce = async (): Promise<void> => {
      const gen = ++generation;
      const cached = o.store.list(ResType.pod).filter((p) => p.spec?.nodeName === o.nodeName);
      const desired = [...cached, ...staticPods.pods()];
      const { active } = await pm.sync(desired);
      // A later pass saw a newer cache (and counts this one's pods as active): the bookkeeping is its.
      if (gen !== generation) return;
      const inCache = new Set<string>();
      for (const pod of cached) {
        const uid = pod.metadata.uid ?? '';
        inCache.add(uid);
        // kubelet's status manager deletes the API object once nothing of the pod runs any more.
        if (pod.metadata.deletionTimestamp && !active.has(uid) && !deleted.has(uid) && r.reporter.finishDeletion(pod)) deleted.add(uid);
      }
      for (const uid of deleted) if (!inCache.has(uid)) deleted.delete(uid);
      const keep = new Set([...desired.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.uid ?? ''), ...active]);
      for (const uid of phases.keys()) if (!keep.has(uid)) phases.delete(uid);
      reporter.retain(keep);
      // Volumes of pods that went while EdgeCore was down (the pod manager removes the ones it kills).
      const dirs = await readdir(join(cfg.rootDir, 'pods')).catch(() => [] as string[]);
      for (const uid of dirs) if (!keep.has(uid)) await volumes.tearDown(uid).catch((err: unknown) => log.warn({ err, uid }, 'removing pod volumes failed'));
    };

    // Passes may overlap: a pass waits for the pods it starts, and pods arriving meanwhile must not wait
    // for those (docs/benchmarks.md "Edge": with one pass 20 pods started in two serial batches; with two,
    // pods bound later than the first two passes still waited for one of them, round 4). The pod manager
    // never syncs one pod twice at once, so a pass over pods already busy returns at once; the cap only
    // bounds calls piling up on a hung runtime. Changes while at the cap schedule one more pass.
    const MAX_PASSES = 16;
    const passes = new Set<Promise<void>>();
    let again = false;
    let timer: NodeJS.Timeout | undefined;
    const run = (): void => {
      timer = undefined;
      if (signal.aborted) return;
      if (passes.size >= MAX_PASSES) {
        again = true;
        return;
      }
      const pass: Promise<void> = syncOnce()
        .catch((err: unknown) => log.error({ err }, 'pod sync failed'))
        .finally(() => {
          passes.delete(pass);
          if (again) {
            again = false;
            trigger();
          }
        });
      passes.add(pass);
    };
    trigger = () => {
      if (!timer && !signal.aborted) timer = setTimeout(run, o.debounceMs ?? 20);
    };
    handler = (op, edgeType) => {
      if (TRIGGERS.has(edgeType)) trigger();
      void op;
    };

    const statics = staticPods.start(signal);
    // The cache is the truth at startup: pods come back before (and without) the cloud.
    run();
    const every = setInterval(run, cfg.syncSeconds * 1000);
    await untilAborted(signal);
    clearInterval(every);
    clearTimeout(timer);
    await statics;
    await Promise.all(passes);
    await pm.idle();
    // Probe timers would otherwise keep probing containers of a stopped EdgeCore.
    pm.close();
  }

  return {
    name: 'edged',
    onObject: (op, edgeType, obj) => handler(op, edgeType, obj),
    start,
    runtimeVersion: () => runtimeVersion,
    stats: () => ({ containerStarts, running: [...phases.values()].filter((p) => p === 'Running').length }),
  };
}
