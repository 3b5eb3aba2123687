import type { CriClient } from '../../cri/index.js';
import type { Backoff } from './backoff.js';
import type { Waiting } from './pod-status.js';

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** Kubernetes' defaulting: `:latest` or no tag means Always, anything else IfNotPresent. */
export function defaultPullPolicy(image: string): PullPolicy {
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const tag = last.includes(':') ? last.slice(last.lastIndexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** kubelet's image events: Pulling, Pulled, Failed, BackOff. */
export type PullEvents = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

export interface ImagePuller {
  /** Undefined when `image` is ready to use; otherwise why the container has to wait. */
  ensure(image: string, policy: PullPolicy | undefined, key: string, events?: PullEvents): Promise<Waiting | undefined>;
}

/**
 * Image presence per pull policy. A failed pull is ErrImagePull; the syncs that fall inside the
 * following backoff say ImagePullBackOff without calling the registry (kubelet's image manager).
 * Failures are statuses, never exceptions: an edge whose registry is unreachable must keep syncing.
 */
export function createImagePuller(o: { cri: CriClient; backoff: Backoff; pullTimeoutMs: number }): ImagePuller {
  return {
    async ensure(image, policy, key, events = () => {}) {
      if (!image) return { reason: 'InvalidImageName', message: 'the container has no image' };
      const p = policy ?? defaultPullPolicy(image);
      const bk = `pull/${key}`;
      if (p !== 'Always') {
        const present = (await o.cri.imageStatus({ image: { image } })).image !== null;
        if (present) {
          o.backoff.forget(bk);
          events('Normal', 'Pulled', `Container image "${image}" already present on machine`);
          return undefined;
        }
        if (p === 'Never') return { reason: 'ErrImageNeverPull', message: `image "${image}" is not present with pull policy of Never` };
      }
      if (o.backoff.inBackoff(bk)) {
        events('Normal', 'BackOff', `Back-off pulling image "${image}"`);
        return { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` };
      }
      events('Normal', 'Pulling', `Pulling image "${image}"`);
      const t0 = Date.now();
      try {
        await o.cri.pullImage({ image: { image } }, { timeoutMs: o.pullTimeoutMs });
        o.backoff.forget(bk);
        events('Normal', 'Pulled', `Successfully pulled image "${image}" in ${((Date.now() - t0) / 1000).toFixed(3)}s`);
        return undefined;
      } catch (err) {
        o.backoff.next(bk);
        const message = err instanceof Error ? err.message : String(err);
        events('Warning', 'Failed', `Failed to pull image "${image}": ${message}`);
        return { reason: 'ErrImagePull', message };
      }
    },
  };
}
