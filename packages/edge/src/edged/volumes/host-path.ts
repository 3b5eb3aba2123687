import fs from 'node:fs/promises';
import { ApiError } from '@kedge/api';

type Kind = 'dir' | 'file' | 'socket' | 'char' | 'block';

async function statKind(p: string): Promise<Kind | 'other' | undefined> {
  try {
    const st = await fs.stat(p);
    if (st.isDirectory()) return 'dir';
    if (st.isFile()) return 'file';
    if (st.isSocket()) return 'socket';
    if (st.isCharacterDevice()) return 'char';
    if (st.isBlockDevice()) return 'block';
    return 'other';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

const expectName: Record<Kind, string> = { dir: 'a directory', file: 'a file', socket: 'a socket file', char: 'a character device', block: 'a block device' };

function mismatch(p: string, want: Kind): ApiError {
  return new ApiError('Invalid', `hostPath type check failed: ${p} is not ${expectName[want]}`);
}

async function expect(p: string, want: Kind): Promise<void> {
  if ((await statKind(p)) !== want) throw mismatch(p, want);
}

/**
 * kubelet's hostPath type check (volume/hostpath checkType): the *OrCreate types create a missing
 * directory (0755, with parents) or an empty file (0644, parent must exist); the others require the
 * path to exist with that type; an empty type checks nothing.
 */
export async function checkHostPath(p: string, type: string | undefined): Promise<void> {
  if (!p.startsWith('/')) throw new ApiError('Invalid', `hostPath ${p} is not absolute`);
  switch (type ?? '') {
    case '': return;
    case 'DirectoryOrCreate':
      if ((await statKind(p)) === undefined) await fs.mkdir(p, { recursive: true, mode: 0o755 });
      return expect(p, 'dir');
    case 'Directory': return expect(p, 'dir');
    case 'FileOrCreate':
      if ((await statKind(p)) === undefined) {
        const fh = await fs.open(p, 'a', 0o644).catch((err: unknown) => {
          throw new ApiError('Invalid', `hostPath ${p}: cannot create file`, { cause: err });
        });
        await fh.close();
      }
      return expect(p, 'file');
    case 'File': return expect(p, 'file');
    case 'Socket': return expect(p, 'socket');
    case 'CharDevice': return expect(p, 'char');
    case 'BlockDevice': return expect(p, 'block');
    default: throw new ApiError('Invalid', `${type} is an invalid hostPath type`);
  }
}
