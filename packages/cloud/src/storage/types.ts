/**
 * The storage seam (in the spirit of kine's Backend): a revisioned key-value log. Every write gets
 * the next global revision, which the API server exposes as resourceVersion. Keys look like
 * `/registry/<group>/<resource>/<namespace>/<name>` and values are the stored JSON text.
 * Implementations: memory (tests), sqlite (default). An etcd backend plugs in here later.
 */
export interface KeyValue {
  key: string;
  value: string;
  /** Revision of the write that created this key (its current incarnation). */
  createRevision: number;
  /** Revision of the last write to this key (= the object's resourceVersion). */
  modRevision: number;
}

export type StorageEventType = 'create' | 'update' | 'delete';

export interface StorageEvent {
  type: StorageEventType;
  /** For delete: the last live value, with modRevision = the delete's revision. */
  kv: KeyValue;
  /** The value before this write (update, delete). */
  prev?: KeyValue;
  revision: number;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the list was read at. */
  revision: number;
  /** True when `limit` cut the result; continue from the last item's key. */
  more: boolean;
}

export interface ListOptions {
  /** Read as of this revision (must be >= compactRevision, else StorageError 'compacted'). 0/undefined = latest. */
  revision?: number;
  /** Exclusive start key within the prefix (for pagination). */
  after?: string;
  limit?: number;
}

export type StorageErrorCode = 'exists' | 'not-found' | 'conflict' | 'compacted' | 'closed';

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  readonly isStorageError = true;
  constructor(code: StorageErrorCode, message: string) {
    super(message);
    this.name = 'StorageError';
    this.code = code;
  }
}

export function isStorageError(e: unknown, code?: StorageErrorCode): e is StorageError {
  return typeof e === 'object' && e !== null && (e as StorageError).isStorageError === true && (code === undefined || (e as StorageError).code === code);
}

/** The read revision for a requested one (0/undefined = latest); shared so every backend answers alike. */
export function readRevision(requested: number | undefined, current: number, compacted: number): number {
  if (!requested) return current;
  if (requested < compacted) throw compactedError(requested, compacted);
  // A revision from the future reads as now: with one writer nothing can land in between.
  return Math.min(requested, current);
}

export function compactedError(revision: number, compacted: number): StorageError {
  return new StorageError('compacted', `revision ${revision} is compacted (compact revision ${compacted})`);
}

/** The live value `cur` of `key`, if an update/delete may replace it ('not-found' / 'conflict' otherwise). */
export function checkWritable(key: string, cur: KeyValue | undefined, expectedRevision: number | undefined): KeyValue {
  if (!cur) throw new StorageError('not-found', `key ${key} not found`);
  if (expectedRevision !== undefined && expectedRevision !== cur.modRevision) {
    throw new StorageError('conflict', `key ${key} is at revision ${cur.modRevision}, not ${expectedRevision}`);
  }
  return cur;
}

export interface Watcher {
  stop(): void;
}

export interface Backend {
  /** Opens files, loads the revision counter. Must be called once before use. */
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: string, revision?: number): Promise<KeyValue | undefined>;
  /** Live keys under `prefix`, sorted by key. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  count(prefix: string): Promise<number>;
  /** Fails with 'exists' if the key is live. Returns the new revision. */
  create(key: string, value: string): Promise<number>;
  /** Fails with 'not-found' if absent, 'conflict' if `expectedRevision` is given and differs from modRevision. */
  update(key: string, value: string, expectedRevision?: number): Promise<number>;
  /** Fails like update. Returns the delete's revision and the last live value. */
  delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }>;
  /**
   * Calls `onEvent` for every event under `prefix` with revision > `afterRevision`, in order: first
   * those already in history, then live ones. Throws StorageError 'compacted' when history older than
   * afterRevision+1 is gone. Delivery is synchronous per event; a slow consumer must buffer itself.
   */
  watch(prefix: string, afterRevision: number, onEvent: (ev: StorageEvent) => void): Watcher;
  currentRevision(): number;
  compactRevision(): number;
  /** Drops history at or below `revision` (keeping the live values). */
  compact(revision: number): Promise<void>;
}
