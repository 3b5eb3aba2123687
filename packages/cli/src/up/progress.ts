/**
 * Step-by-step progress for `kedge up` (issue 6): on a terminal a spinner on the current step's line, then
 * a check mark and its duration; elsewhere (CI, pipes) one line when a step starts and one when it ends.
 */
export interface Progress {
  /** Runs `fn` as a named step; the returned detail (if any) is shown after the duration. */
  step<T>(title: string, fn: () => Promise<T>, detail?: (v: T) => string | undefined): Promise<T>;
  /** A step that did not run or only half worked (e.g. no container runtime): a warning mark and why. */
  warn(title: string, why: string): void;
}

export interface ProgressOptions {
  write: (s: string) => void;
  tty: boolean;
  now?: () => number;
  /** Spinner frame period; 0 disables the animation (tests). */
  frameMs?: number;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function createProgress(o: ProgressOptions): Progress {
  const now = o.now ?? (() => performance.now());
  const frameMs = o.frameMs ?? 80;
  return {
    async step(title, fn, detail) {
      const start = now();
      let timer: NodeJS.Timeout | undefined;
      if (o.tty) {
        let i = 0;
        const draw = () => o.write(`\r\x1b[2K${FRAMES[i++ % FRAMES.length]} ${title} ${formatDuration(now() - start)}`);
        draw();
        if (frameMs > 0) timer = setInterval(draw, frameMs);
      } else {
        o.write(`… ${title}\n`);
      }
      try {
        const v = await fn();
        const extra = detail?.(v);
        o.write(`${o.tty ? '\r\x1b[2K' : ''}✔ ${title} (${formatDuration(now() - start)})${extra ? ` — ${extra}` : ''}\n`);
        return v;
      } catch (err) {
        o.write(`${o.tty ? '\r\x1b[2K' : ''}✖ ${title} (${formatDuration(now() - start)})\n`);
        throw err;
      } finally {
        if (timer) clearInterval(timer);
      }
    },
    warn(title, why) {
      o.write(`! ${title} — ${why}\n`);
    },
  };
}
