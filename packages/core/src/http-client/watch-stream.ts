import type { IncomingMessage } from 'node:http';
import { ApiError, expired, type KubeObject, type Status, type WatchEvent } from '@kedge/api';

/**
 * Newline-delimited watch events from a response as an async iterable. The request is torn down when
 * `signal` aborts or the consumer stops iterating; an ERROR/410 event becomes a thrown ApiError Expired.
 */
export function watchStream<T extends KubeObject>(open: (signal: AbortSignal) => Promise<IncomingMessage>, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
  return {
    async *[Symbol.asyncIterator]() {
      const inner = new AbortController();
      const onAbort = () => inner.abort();
      if (signal.aborted) return;
      signal.addEventListener('abort', onAbort, { once: true });
      let res: IncomingMessage | undefined;
      try {
        try {
          res = await open(inner.signal);
        } catch (err) {
          if (inner.signal.aborted) return;
          throw err;
        }
        let buf = '';
        res.setEncoding('utf8');
        try {
          for await (const chunk of res as AsyncIterable<string>) {
            buf += chunk;
            let nl: number;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl).trim();
              buf = buf.slice(nl + 1);
              if (line) yield decode<T>(line);
            }
          }
        } catch (err) {
          if (inner.signal.aborted) return;
          // A server going away mid-stream is a normal end for a watch; the informer rewatches.
          if ((err as NodeJS.ErrnoException).code === 'ECONNRESET' || (err as Error).message === 'aborted') return;
          throw err;
        }
        if (buf.trim()) yield decode<T>(buf.trim());
      } finally {
        signal.removeEventListener('abort', onAbort);
        inner.abort();
        res?.destroy();
      }
    },
  };
}

function decode<T extends KubeObject>(line: string): WatchEvent<T> {
  let ev: WatchEvent<T>;
  try {
    ev = JSON.parse(line) as WatchEvent<T>;
  } catch (err) {
    throw new ApiError('InternalError', `watch: undecodable event: ${line.slice(0, 200)}`, { cause: err });
  }
  if (ev.type === 'ERROR') {
    const st = ev.object as unknown as Partial<Status>;
    if (st.code === 410 || st.reason === 'Expired' || st.reason === 'Gone') throw expired(st.message ?? 'too old resource version');
    throw ApiError.fromStatus(st);
  }
  return ev;
}
