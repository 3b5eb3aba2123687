import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { open } from 'node:fs/promises';

/** One entry as read back from a tar header. */
export interface TarHeaderInfo {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string;
}

export interface ReadTarResult {
  entries: TarHeaderInfo[];
  /** Contents of the entries `keep` asked for, by path. */
  files: Map<string, Buffer>;
}

const BLOCK = 512;

function str(h: Buffer, off: number, len: number): string {
  const end = h.indexOf(0, off);
  return h.toString('utf8', off, end === -1 || end > off + len ? off + len : end);
}

function num(h: Buffer, off: number, len: number): number {
  // GNU base-256 for values too big for octal: high bit of the first byte set.
  if (h[off]! & 0x80) {
    let v = 0;
    for (let i = off + 1; i < off + len; i++) v = v * 256 + h[i]!;
    return v;
  }
  const s = str(h, off, len).trim();
  return s ? parseInt(s, 8) : 0;
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum === num(h, 148, 8);
}

function typeOf(flag: string): TarHeaderInfo['type'] {
  if (flag === '0' || flag === '\0' || flag === '' || flag === '7') return 'file';
  if (flag === '5') return 'dir';
  if (flag === '2') return 'symlink';
  if (flag === '1') return 'hardlink';
  return 'other';
}

function paxPath(data: Buffer): { path?: string; linkpath?: string } {
  const out: { path?: string; linkpath?: string } = {};
  for (const rec of data.toString('utf8').split('\n')) {
    const m = /^\d+ ([^=]+)=(.*)$/.exec(rec);
    if (m?.[1] === 'path') out.path = m[2];
    if (m?.[1] === 'linkpath') out.linkpath = m[2];
  }
  return out;
}

/**
 * Reads the headers of a tar stream, skipping file data except for the paths in `keep` (small files such as
 * index.json). Understands ustar prefixes, PAX path records and GNU long names. Throws on a bad checksum,
 * i.e. when the input is not a tar archive.
 */
export async function readTar(input: AsyncIterable<Buffer>, keep: (path: string) => boolean = () => false): Promise<ReadTarResult> {
  const entries: TarHeaderInfo[] = [];
  const files = new Map<string, Buffer>();
  let buf: Buffer = Buffer.alloc(0);
  let pending: { need: number; pad: number; collect?: Buffer[]; onDone?: (b: Buffer) => void } | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  let ended = false;

  const consume = (): void => {
    for (;;) {
      if (pending) {
        const take = Math.min(pending.need, buf.length);
        if (pending.collect && take) pending.collect.push(buf.subarray(0, take));
        buf = buf.subarray(take);
        pending.need -= take;
        if (pending.need > 0) return;
        if (buf.length < pending.pad) return;
        buf = buf.subarray(pending.pad);
        const done = pending;
        pending = undefined;
        done.onDone?.(Buffer.concat(done.collect ?? []));
        continue;
      }
      if (ended || buf.length < BLOCK) return;
      const h = buf.subarray(0, BLOCK);
      buf = buf.subarray(BLOCK);
      if (h.every((b) => b === 0)) {
        ended = true;
        return;
      }
      if (!checksumOk(h)) throw new Error('not a tar archive (bad header checksum)');
      const flag = String.fromCharCode(h[156]!);
      const size = num(h, 124, 12);
      const pad = (BLOCK - (size % BLOCK)) % BLOCK;
      if (flag === 'x' || flag === 'L' || flag === 'K') {
        pending = {
          need: size, pad, collect: [], onDone: (b) => {
            if (flag === 'x') {
              const pax = paxPath(b);
              longName = pax.path ?? longName;
              longLink = pax.linkpath ?? longLink;
            } else if (flag === 'L') longName = str(b, 0, b.length);
            else longLink = str(b, 0, b.length);
          },
        };
        continue;
      }
      if (flag === 'g') {
        pending = { need: size, pad };
        continue;
      }
      const prefix = str(h, 345, 155);
      const name = str(h, 0, 100);
      const path = longName ?? (prefix ? `${prefix}/${name}` : name);
      const info: TarHeaderInfo = {
        path, type: typeOf(flag), mode: num(h, 100, 8), uid: num(h, 108, 8), gid: num(h, 116, 8),
        size, mtime: num(h, 136, 12), linkname: longLink ?? str(h, 157, 100),
      };
      longName = longLink = undefined;
      entries.push(info);
      const body = info.type === 'file' ? size : 0;
      const wanted = body > 0 && keep(path.replace(/^\.\//, ''));
      pending = { need: body, pad: body ? pad : 0, collect: wanted ? [] : undefined, onDone: wanted ? (b) => files.set(path.replace(/^\.\//, ''), b) : undefined };
      if (!body) pending = undefined;
    }
  };

  for await (const chunk of input) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    consume();
    if (ended) break;
  }
  if (pending || (!ended && buf.length)) throw new Error('truncated tar archive');
  return { entries, files };
}

/** Reads a tar file from disk, gunzipping it first when it starts with the gzip magic bytes. */
export async function readTarFile(file: string, keep?: (path: string) => boolean): Promise<ReadTarResult> {
  const fh = await open(file, 'r');
  const magic = Buffer.alloc(2);
  try {
    await fh.read(magic, 0, 2, 0);
  } finally {
    await fh.close();
  }
  const raw = createReadStream(file);
  const stream = magic[0] === 0x1f && magic[1] === 0x8b ? raw.pipe(createGunzip()) : raw;
  try {
    return await readTar(stream, keep);
  } finally {
    raw.destroy();
  }
}
