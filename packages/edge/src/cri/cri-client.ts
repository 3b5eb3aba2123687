import { credentials, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { CriError } from './errors.js';
import { loadCriServices, type CriServices } from './load-proto.js';
import type {
  AttachRequest,
  AuthConfig,
  Container,
  ContainerFilter,
  ContainerStatusResponse,
  CreateContainerRequest,
  ExecRequest,
  ExecSyncResponse,
  Image,
  ImageFsInfoResponse,
  ImageSpec,
  Int64In,
  LinuxContainerResources,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxStatusResponse,
  RunPodSandboxRequest,
  StatusResponse,
  StringMap,
  VersionResponse,
} from './types.js';

export interface CriClientOptions {
  /** Path of the runtime's unix socket, e.g. /run/containerd/containerd.sock. */
  socket: string;
  /** Deadline of each call unless the call gives its own (default 10 s). */
  timeoutMs?: number;
  /** Preloaded services, to share one parse between clients. */
  services?: CriServices;
}

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * runtime.v1 RuntimeService + ImageService over one unix-socket channel. Methods mirror the CRI RPCs
 * (camelCase, as proto-loader names them), resolve with the response message, and reject with CriError.
 */
export interface CriClient {
  readonly socket: string;
  version(req?: { version?: string }, o?: CallOptions): Promise<VersionResponse>;
  status(req?: { verbose?: boolean }, o?: CallOptions): Promise<StatusResponse>;
  runPodSandbox(req: RunPodSandboxRequest, o?: CallOptions): Promise<{ podSandboxId: string }>;
  stopPodSandbox(req: { podSandboxId: string }, o?: CallOptions): Promise<Record<string, never>>;
  removePodSandbox(req: { podSandboxId: string }, o?: CallOptions): Promise<Record<string, never>>;
  podSandboxStatus(req: { podSandboxId: string; verbose?: boolean }, o?: CallOptions): Promise<PodSandboxStatusResponse>;
  listPodSandbox(req?: { filter?: PodSandboxFilter }, o?: CallOptions): Promise<{ items: PodSandbox[] }>;
  createContainer(req: CreateContainerRequest, o?: CallOptions): Promise<{ containerId: string }>;
  startContainer(req: { containerId: string }, o?: CallOptions): Promise<Record<string, never>>;
  /** `timeout` is the grace period in seconds before the runtime kills the container. */
  stopContainer(req: { containerId: string; timeout?: Int64In }, o?: CallOptions): Promise<Record<string, never>>;
  removeContainer(req: { containerId: string }, o?: CallOptions): Promise<Record<string, never>>;
  listContainers(req?: { filter?: ContainerFilter }, o?: CallOptions): Promise<{ containers: Container[] }>;
  containerStatus(req: { containerId: string; verbose?: boolean }, o?: CallOptions): Promise<ContainerStatusResponse>;
  updateContainerResources(
    req: { containerId: string; linux?: LinuxContainerResources; annotations?: StringMap },
    o?: CallOptions,
  ): Promise<Record<string, never>>;
  reopenContainerLog(req: { containerId: string }, o?: CallOptions): Promise<Record<string, never>>;
  /** `timeout` in seconds (0: none); give the call a deadline longer than it. */
  execSync(req: { containerId: string; cmd: string[]; timeout?: Int64In }, o?: CallOptions): Promise<ExecSyncResponse>;
  /** Returns the URL of the runtime's streaming server for this exec session. */
  exec(req: ExecRequest, o?: CallOptions): Promise<{ url: string }>;
  attach(req: AttachRequest, o?: CallOptions): Promise<{ url: string }>;
  portForward(req: { podSandboxId: string; port?: number[] }, o?: CallOptions): Promise<{ url: string }>;
  listImages(req?: { filter?: { image?: ImageSpec } }, o?: CallOptions): Promise<{ images: Image[] }>;
  /** `image` is null when the runtime does not have it (CRI reports absence this way, not as NotFound). */
  imageStatus(req: { image: ImageSpec; verbose?: boolean }, o?: CallOptions): Promise<{ image: Image | null; info: StringMap }>;
  pullImage(req: { image: ImageSpec; auth?: AuthConfig; sandboxConfig?: PodSandboxConfig }, o?: CallOptions): Promise<{ imageRef: string }>;
  removeImage(req: { image: ImageSpec }, o?: CallOptions): Promise<Record<string, never>>;
  imageFsInfo(req?: Record<string, never>, o?: CallOptions): Promise<ImageFsInfoResponse>;
  close(): void;
}

type Unary = (req: unknown, meta: Metadata, opts: { deadline: number }, cb: (err: ServiceError | null, res: unknown) => void) => { cancel(): void };

// ExecSync output may be up to 16 MiB per stream (CRI api.proto, CVE-2022-1708); grpc's default is 4 MiB.
const maxMessageBytes = 40 * 1024 * 1024;

export function createCriClient(opts: CriClientOptions): CriClient {
  const services = opts.services ?? loadCriServices();
  const defaultTimeout = opts.timeoutMs ?? 10_000;
  const target = `unix://${opts.socket}`;
  const channelOpts = { 'grpc.max_receive_message_length': maxMessageBytes, 'grpc.max_send_message_length': maxMessageBytes };
  const runtime = new services.RuntimeService(target, credentials.createInsecure(), channelOpts);
  // The image client shares the runtime client's channel instead of opening a second connection.
  const image = new services.ImageService(target, credentials.createInsecure(), { ...channelOpts, channelOverride: runtime.getChannel() });

  function call<T>(client: Client, method: string, req: unknown, o: CallOptions = {}): Promise<T> {
    const fn = (client as unknown as Record<string, Unary>)[method];
    if (typeof fn !== 'function') return Promise.reject(new Error(`cri: no method ${method}`));
    return new Promise<T>((resolve, reject) => {
      if (o.signal?.aborted) {
        reject(new CriError(method, 1, 'aborted before the call'));
        return;
      }
      const deadline = Date.now() + (o.timeoutMs ?? defaultTimeout);
      const onAbort = () => handle.cancel();
      let handle: { cancel(): void };
      try {
        handle = fn.call(client, req ?? {}, new Metadata(), { deadline }, (err, res) => {
          o.signal?.removeEventListener('abort', onAbort);
          if (err) reject(CriError.fromServiceError(method, err));
          else resolve(res as T);
        });
      } catch (e) {
        // grpc-js throws synchronously when a request cannot be serialized (a wrong field type).
        reject(new CriError(method, 3, e instanceof Error ? e.message : String(e), { cause: e }));
        return;
      }
      o.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  const rt = <T>(m: string) => (req?: unknown, o?: CallOptions) => call<T>(runtime, m, req, o);
  const im = <T>(m: string) => (req?: unknown, o?: CallOptions) => call<T>(image, m, req, o);

  return {
    socket: opts.socket,
    version: rt('Version'),
    status: rt('Status'),
    runPodSandbox: rt('RunPodSandbox'),
    stopPodSandbox: rt('StopPodSandbox'),
    removePodSandbox: rt('RemovePodSandbox'),
    podSandboxStatus: rt('PodSandboxStatus'),
    listPodSandbox: rt('ListPodSandbox'),
    createContainer: rt('CreateContainer'),
    startContainer: rt('StartContainer'),
    stopContainer: rt('StopContainer'),
    removeContainer: rt('RemoveContainer'),
    listContainers: rt('ListContainers'),
    containerStatus: rt('ContainerStatus'),
    updateContainerResources: rt('UpdateContainerResources'),
    reopenContainerLog: rt('ReopenContainerLog'),
    execSync: rt('ExecSync'),
    exec: rt('Exec'),
    attach: rt('Attach'),
    portForward: rt('PortForward'),
    listImages: im('ListImages'),
    imageStatus: im('ImageStatus'),
    pullImage: im('PullImage'),
    removeImage: im('RemoveImage'),
    imageFsInfo: im('ImageFsInfo'),
    close() {
      image.close();
      runtime.close();
    },
  } as CriClient;
}
