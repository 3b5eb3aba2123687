import fs from 'node:fs/promises';
import path from 'node:path';

/** One file of a projected payload: path relative to the volume dir. */
export interface FileProjection {
  data: Buffer;
  mode: number;
}

export type Payload = Map<string, FileProjection>;

const DATA_LINK = '..data';
const DATA_TMP = '..data_tmp';

/** Payload paths as kubelet validates them: relative, no `..` element, not starting with `..`. */
export function validatePayloadPath(p: string): void {
  if (p === '' || path.isAbsolute(p) || p.startsWith('..') || p.split('/').includes('..') || p.length > 4096) {
    throw new Error(`invalid volume file path "${p}"`);
  }
}

/**
 * Writes `payload` into `dir` the way kubelet's AtomicWriter does, so readers never see a mix of old
 * and new files: the files go into a fresh hidden timestamped dir, a `..data` symlink to it is swapped
 * in with rename(2), and each user-visible top-level name is a symlink through `..data`. Returns false
 * when the payload already on disk is identical (nothing written).
 */
export async function writeAtomic(dir: string, payload: Payload): Promise<boolean> {
  for (const p of payload.keys()) validatePayloadPath(p);
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  const oldTarget = await readLink(path.join(dir, DATA_LINK));
  if (oldTarget && (await samePayload(path.join(dir, oldTarget), payload))) return false;

  const stamp = new Date().toISOString().replace(/[-:]/g, '_').replace('T', '_').replace('Z', '');
  const tsDir = await fs.mkdtemp(path.join(dir, `..${stamp}.`));
  for (const [rel, f] of payload) {
    const file = path.join(tsDir, rel);
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
    await fs.writeFile(file, f.data);
    await fs.chmod(file, f.mode);
  }
  await fs.chmod(tsDir, 0o755);

  const tmpLink = path.join(dir, DATA_TMP);
  await fs.rm(tmpLink, { force: true });
  await fs.symlink(path.basename(tsDir), tmpLink);
  await fs.rename(tmpLink, path.join(dir, DATA_LINK));

  const visible = new Set([...payload.keys()].map((p) => p.split('/')[0]!));
  for (const name of visible) {
    const link = path.join(dir, name);
    if ((await readLink(link)) === path.join(DATA_LINK, name)) continue;
    await fs.rm(link, { force: true, recursive: true });
    await fs.symlink(path.join(DATA_LINK, name), link);
  }
  for (const name of await fs.readdir(dir)) {
    if (name.startsWith('..') || visible.has(name)) continue;
    await fs.rm(path.join(dir, name), { force: true, recursive: true });
  }
  if (oldTarget && oldTarget !== path.basename(tsDir)) await fs.rm(path.join(dir, oldTarget), { recursive: true, force: true });
  return true;
}

async function readLink(p: string): Promise<string | undefined> {
  try {
    return await fs.readlink(p);
  } catch {
    return undefined;
  }
}

async function samePayload(dataDir: string, payload: Payload): Promise<boolean> {
  const onDisk = await listFiles(dataDir).catch(() => undefined);
  if (!onDisk || onDisk.length !== payload.size) return false;
  for (const rel of onDisk) {
    const want = payload.get(rel);
    if (!want) return false;
    const file = path.join(dataDir, rel);
    const st = await fs.stat(file);
    if ((st.mode & 0o7777) !== want.mode) return false;
    if (!want.data.equals(await fs.readFile(file))) return false;
  }
  return true;
}

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const ent of await fs.readdir(path.join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${ent.name}` : ent.name;
    if (ent.isDirectory()) out.push(...(await listFiles(root, rel)));
    else out.push(rel);
  }
  return out;
}
