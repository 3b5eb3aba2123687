import type { KubeList, KubeObject, ResourceRef, Status, WatchEvent } from '@kedge/api';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** Write to a subresource instead of the main resource ('status', 'scale', 'binding', 'finalize'). */
  subresource?: string;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export type PatchType = 'merge' | 'strategic' | 'json';

/**
 * A Kubernetes REST client. Every cloud component reaches the API only through this interface, so
 * the same code runs against kedge's embedded server and against any other cluster's kubeconfig.
 * All errors are ApiErrors (reason mirrors the server's Status).
 */
export interface KubeClient {
  get<T extends KubeObject = KubeObject>(r: ResourceRef, namespace: string | undefined, name: string, subresource?: string): Promise<T>;
  list<T extends KubeObject = KubeObject>(r: ResourceRef, namespace?: string, opts?: ListOptions): Promise<KubeList<T>>;
  create<T extends KubeObject = KubeObject>(r: ResourceRef, obj: KubeObject, opts?: WriteOptions): Promise<T>;
  /** PUT; `obj.metadata.resourceVersion` makes it conditional. */
  update<T extends KubeObject = KubeObject>(r: ResourceRef, obj: KubeObject, opts?: WriteOptions): Promise<T>;
  patch<T extends KubeObject = KubeObject>(r: ResourceRef, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts?: WriteOptions): Promise<T>;
  delete(r: ResourceRef, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<KubeObject | Status>;
  /** A watch stream; ends when the server closes it or `signal` aborts. Throws ApiError Expired (410) on a too-old RV. */
  watch<T extends KubeObject = KubeObject>(r: ResourceRef, namespace: string | undefined, opts: WatchOptions, signal: AbortSignal): AsyncIterable<WatchEvent<T>>;
  /** Escape hatch for paths without a typed method (discovery, /version). Returns parsed JSON. */
  raw<T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
}
