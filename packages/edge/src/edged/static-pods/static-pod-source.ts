import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '@kedge/api';
import type { Logger } from '@kedge/core';
import { staticPodFromFile } from './static-pod.js';
import { untilAborted } from '@kedge/core';

export interface StaticPodSourceOptions {
  dir: string;
  nodeName: string;
  log: Logger;
  /** Rescan period (kubelet's fileCheckFrequency is 20 s); fs.watch events rescan sooner. */
  checkMs: number;
  /** Called when the set of static pods changed. */
  onChange: () => void;
}

export interface StaticPodSource {
  /** Scans now, then on the timer and on fs.watch until `signal` aborts. */
  start(signal: AbortSignal): Promise<void>;
  pods(): KubeObject[];
}

const MANIFEST = /\.(ya?ml|json)$/;

/**
 * Static pods from a manifests directory (KubeEdge's staticPodPath). A file that does not parse is
 * logged once per content and skipped; it never stops the other pods. A missing directory is empty.
 */
export function createStaticPodSource(o: StaticPodSourceOptions): StaticPodSource {
  const log = o.log.child({ module: 'static-pods' });
  let current = new Map<string, KubeObject>();
  let fingerprint = '';
  const reported = new Set<string>();

  async function scan(): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(o.dir)).filter((n) => MANIFEST.test(n) && !n.startsWith('.')).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ err, dir: o.dir }, 'cannot read the static pod directory');
      names = [];
    }
    const next = new Map<string, KubeObject>();
    for (const n of names) {
      const file = join(o.dir, n);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        continue; // removed between readdir and read
      }
      try {
        const pod = staticPodFromFile(file, text, o.nodeName);
        const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
        if (next.has(key)) {
          log.warn({ file, pod: key }, 'static pod name already used by another file; skipped');
          continue;
        }
        next.set(key, pod);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        if (!reported.has(msg)) log.warn({ file }, `invalid static pod manifest: ${msg}`);
        reported.add(msg);
      }
    }
    const fp = [...next.values()].map((p) => p.metadata.uid).join(',');
    current = next;
    if (fp !== fingerprint) {
      fingerprint = fp;
      log.info({ dir: o.dir, pods: [...next.keys()] }, 'static pods changed');
      o.onChange();
    }
  }

  let scanning: Promise<void> = Promise.resolve();
  const rescan = (): Promise<void> => (scanning = scanning.then(scan, scan));

  return {
    pods: () => [...current.values()],
    async start(signal) {
      await rescan();
      let watcher: FSWatcher | undefined;
      let debounce: NodeJS.Timeout | undefined;
      const soon = () => {
        clearTimeout(debounce);
        debounce = setTimeout(() => void rescan(), 200);
      };
      try {
        watcher = watch(o.dir, soon);
        watcher.on('error', () => watcher?.close());
      } catch {
        // No directory yet: the timer notices when it appears.
      }
      const timer = setInterval(() => void rescan(), o.checkMs);
      await untilAborted(signal);
      clearInterval(timer);
      clearTimeout(debounce);
      watcher?.close();
      await scanning;
    },
  };
}
