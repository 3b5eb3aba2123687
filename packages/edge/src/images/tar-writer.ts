/**
 * A small ustar writer (POSIX.1-1988 "ustar" headers, as GNU tar and containerd's archive/tar read them).
 * Enough for image layers and image archives: regular files, directories and symlinks, owned by root, with a
 * fixed mtime so the same entries always give the same bytes (and so the same digest).
 */

export type TarEntry =
  | { type: 'file'; path: string; data: Uint8Array | string; mode?: number; mtime?: number }
  | { type: 'dir'; path: string; mode?: number; mtime?: number }
  | { type: 'symlink'; path: string; target: string; mtime?: number };

const BLOCK = 512;
const typeFlags = { file: '0', symlink: '2', dir: '5' } as const;

function putString(buf: Buffer, value: string, offset: number, length: number, field: string, path: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar: ${field} of ${path} is longer than ${length} bytes`);
  bytes.copy(buf, offset);
}

/** Octal, zero-padded, NUL-terminated: the portable ustar number encoding. */
function putOctal(buf: Buffer, value: number, offset: number, length: number, field: string, path: string): void {
  const digits = Math.trunc(value).toString(8);
  if (value < 0 || digits.length > length - 1) throw new Error(`tar: ${field} ${value} of ${path} does not fit the header`);
  buf.write(digits.padStart(length - 1, '0') + '\0', offset, length, 'ascii');
}

/** Splits a long path into ustar's prefix (≤155) and name (≤100) at a '/'. */
function splitPath(path: string): { prefix: string; name: string } {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let i = path.lastIndexOf('/', path.length - 2); i > 0; i = path.lastIndexOf('/', i - 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(name) > 100) break;
    if (Buffer.byteLength(prefix) <= 155) return { prefix, name };
  }
  throw new Error(`tar: path too long for a ustar header: ${path}`);
}

function normalizePath(entry: TarEntry): string {
  const p = entry.path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (!p || p.split('/').some((s) => s === '..' || s === '')) throw new Error(`tar: invalid path ${JSON.stringify(entry.path)}`);
  return entry.type === 'dir' ? p + '/' : p;
}

/** The 512-byte header of one entry. */
export function tarHeader(entry: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const path = normalizePath(entry);
  const { prefix, name } = splitPath(path);
  const mode = entry.type === 'symlink' ? 0o777 : (entry.mode ?? (entry.type === 'dir' ? 0o755 : 0o644));
  putString(h, name, 0, 100, 'name', path);
  putOctal(h, mode & 0o7777, 100, 8, 'mode', path);
  putOctal(h, 0, 108, 8, 'uid', path);
  putOctal(h, 0, 116, 8, 'gid', path);
  putOctal(h, size, 124, 12, 'size', path);
  putOctal(h, entry.mtime ?? 0, 136, 12, 'mtime', path);
  h.write(typeFlags[entry.type], 156, 1, 'ascii');
  if (entry.type === 'symlink') putString(h, entry.target, 157, 100, 'linkname', path);
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  putString(h, 'root', 265, 32, 'uname', path);
  putString(h, 'root', 297, 32, 'gname', path);
  putString(h, prefix, 345, 155, 'prefix', path);
  // The checksum is computed with its own field read as eight spaces.
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

/** A complete tar archive (entries in the given order, then the two zero blocks that end it). */
export function writeTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const key = normalizePath(entry);
    if (seen.has(key)) throw new Error(`tar: duplicate entry ${key}`);
    seen.add(key);
    const data = entry.type === 'file' ? Buffer.from(entry.data) : Buffer.alloc(0);
    parts.push(tarHeader(entry, data.length));
    if (data.length) {
      parts.push(data);
      const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}
