import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, badRequest, notFound, type KubeObject } from '@kedge/api';
import type { ServerCore } from '../request-context.js';
import { queryBool, queryInt, type RequestContext, type ResourceRequest } from '../request-context.js';
import type { PodExecOptions, PodLogOptions } from '../types.js';

interface PodTarget {
  namespace: string;
  name: string;
  nodeName: string;
  uid: string;
}

function containerNames(pod: KubeObject): string[] {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].map((c: { name?: string }) => String(c?.name));
}

/** Checks the pod exists, is bound and names a valid container (upstream's wording for each failure). */
export async function resolvePod(core: ServerCore, r: ResourceRequest, container: string | undefined): Promise<PodTarget> {
  const got = await core.store.get(r.def, r.namespace, r.name!);
  if (!got) throw notFound('pods', r.name!);
  const pod = got.obj;
  const names = containerNames(pod);
  if (container !== undefined && container !== '' && !names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${r.name!}`);
  if ((container === undefined || container === '') && (pod.spec?.containers ?? []).length > 1) {
    throw badRequest(`a container name must be specified for pod ${r.name!}, choose one of: [${(pod.spec.containers as Array<{ name: string }>).map((c) => c.name).join(' ')}]`);
  }
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw badRequest(`pod ${r.name!} does not have a host assigned`);
  return { namespace: String(r.namespace), name: r.name!, nodeName: String(nodeName), uid: String(pod.metadata.uid) };
}

function noStreamer(target: PodTarget): ApiError {
  return new ApiError('ServiceUnavailable', `no connection to node "${target.nodeName}" is available to reach pod ${target.namespace}/${target.name}`);
}

export async function handleLogs(ctx: RequestContext, r: ResourceRequest): Promise<void> {
  const q = ctx.query;
  const container = q.get('container') ?? undefined;
  const target = await resolvePod(ctx.core, r, container);
  const opts: PodLogOptions = {
    ...(container ? { container } : {}),
    follow: queryBool(q, 'follow'),
    previous: queryBool(q, 'previous'),
    timestamps: queryBool(q, 'timestamps'),
  };
  for (const k of ['sinceSeconds', 'tailLines', 'limitBytes'] as const) {
    const v = queryInt(q, k);
    if (v !== undefined) opts[k] = v;
  }
  const since = q.get('sinceTime');
  if (since) opts.sinceTime = since;
  const streamer = ctx.core.opts.podStreamer;
  if (!streamer) throw noStreamer(target);
  const ac = new AbortController();
  ctx.res.on('close', () => ac.abort());
  await streamer.logs(target, opts, ctx.res, ac.signal);
}

export function execOptions(q: URLSearchParams): PodExecOptions {
  const command = q.getAll('command');
  if (command.length === 0) throw badRequest('you must specify at least 1 command');
  const container = q.get('container');
  return {
    ...(container ? { container } : {}),
    command,
    stdin: queryBool(q, 'stdin'),
    stdout: queryBool(q, 'stdout'),
    stderr: queryBool(q, 'stderr'),
    tty: queryBool(q, 'tty'),
  };
}

/** pods/exec over a WebSocket upgrade: validated here, streamed by the PodStreamer. */
export async function handleExecUpgrade(core: ServerCore, r: ResourceRequest, q: URLSearchParams, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const opts = execOptions(q);
  const target = await resolvePod(core, r, opts.container);
  const streamer = core.opts.podStreamer;
  if (!streamer) throw noStreamer(target);
  await streamer.exec(target, opts, req, socket, head);
}
