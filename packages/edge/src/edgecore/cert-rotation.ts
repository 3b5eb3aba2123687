import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger, Module } from '@kedge/core';
import { certNeedsRotation, edgeCertPaths, renewEdgeCert } from '../bootstrap/index.js';

export interface CertRotationOptions {
  certServer: string;
  nodeName: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Called after new files are in place (the EdgeHub redials with them). */
  onRotated: () => void;
  log: Logger;
  checkEveryMs?: number;
  /** After a failed renewal; the certificate is still valid for a while, so retry sooner than hourly. */
  retryAfterMs?: number;
  /** Injected by tests. */
  now?: () => number;
}

/**
 * Renews the node certificate between 70 % and 90 % of its lifetime. The renewal runs in a scratch
 * directory next to the certificate; the new key and certificate then replace the old ones by
 * rename, so a reader never sees a half-written file.
 */
export function certRotationModule(o: CertRotationOptions): Module & { checkNow(): Promise<boolean> } {
  const log = o.log.child({ module: 'certrotation' });
  const checkEveryMs = o.checkEveryMs ?? 3_600_000;
  const retryAfterMs = o.retryAfterMs ?? 60_000;
  const now = o.now ?? Date.now;

  async function checkNow(): Promise<boolean> {
    if (!certNeedsRotation(readFileSync(o.certFile, 'utf8'), now())) return false;
    const scratch = mkdtempSync(join(dirname(o.certFile), '.rotate-'));
    try {
      const p = edgeCertPaths(scratch);
      copyFileSync(o.caFile, p.caPath);
      copyFileSync(o.certFile, p.certPath);
      copyFileSync(o.keyFile, p.keyPath);
      await renewEdgeCert({ certServer: o.certServer, nodeName: o.nodeName, dir: scratch, log: o.log });
      renameSync(p.keyPath, o.keyFile);
      renameSync(p.certPath, o.certFile);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    o.onRotated();
    return true;
  }

  return {
    name: 'certrotation',
    checkNow,
    async start(signal: AbortSignal) {
      while (!signal.aborted) {
        let wait = checkEveryMs;
        try {
          await checkNow();
        } catch (err) {
          wait = retryAfterMs;
          log.warn({ err: (err as Error).message, retryInMs: wait }, 'certificate rotation failed');
        }
        await sleep(wait, undefined, { signal }).catch(() => {});
      }
    },
  };
}
