import type { ServerResponse } from 'node:http';
import { ApiError } from '@kedge/api';
import type { PodLogOptions, PodStreamTarget } from '../apiserver/types.js';
import type { Tunnel } from './tunnel.js';

/**
 * pods/log through the node's tunnel: the edge checks the container first, so its refusal becomes this
 * request's Status (kubelet's codes); once it is Ready the text streams as it comes, the edge pausing when
 * the client reads slower than the log grows (Window credit returned after each write drains).
 */
export function logsOverTunnel(t: Tunnel, pod: PodStreamTarget, opts: PodLogOptions, res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let started = false;
    const session = t.openSession({ kind: 'logs', pod: { namespace: pod.namespace, name: pod.name, uid: pod.uid }, opts }, {
      ready() {
        started = true;
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache' });
        res.flushHeaders();
      },
      data(payload, delivered) {
        if (!started || res.destroyed) return;
        res.write(payload, () => delivered());
      },
      error(status) {
        signal.removeEventListener('abort', onAbort);
        if (started) res.end(resolve);
        else reject(ApiError.fromStatus(status));
      },
      closed(dropped) {
        signal.removeEventListener('abort', onAbort);
        if (started) {
          // A log cut by a dropped tunnel must not look complete: the client sees a broken stream.
          if (dropped) res.destroy();
          else res.end();
          resolve();
        } else {
          reject(dropped ? new ApiError('ServiceUnavailable', `the stream tunnel to node "${pod.nodeName}" closed`) : new ApiError('InternalError', 'the edge closed the log stream without answering'));
        }
      },
    });
    const onAbort = () => {
      session.close();
      resolve();
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
