import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readTar, readTarFile } from './tar-reader.js';
import { writeTar, type TarEntry } from './tar-writer.js';

const longDir = 'a'.repeat(60) + '/' + 'b'.repeat(60);
const entries: TarEntry[] = [
  { type: 'dir', path: 'bin' },
  { type: 'file', path: 'bin/tool', data: Buffer.from([0, 1, 2, 255]), mode: 0o755 },
  { type: 'symlink', path: 'bin/sh', target: 'tool' },
  { type: 'dir', path: 'tmp', mode: 0o1777 },
  { type: 'file', path: 'etc/empty', data: '' },
  { type: 'file', path: 'etc/block', data: 'x'.repeat(512) },
  { type: 'file', path: `${longDir}/file-with-a-long-path.txt`, data: 'deep\n' },
];

const chunks = (b: Buffer, size: number) => Readable.from(Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size)));

test('writeTar output reads back: types, modes, sizes, links, long paths, data (any chunking)', async () => {
  const tar = writeTar(entries);
  assert.equal(tar.length % 512, 0);
  for (const size of [tar.length, 7, 512, 1000]) {
    const { entries: got, files } = await readTar(chunks(tar, size), () => true);
    assert.deepEqual(got.map((e) => [e.path, e.type, e.mode, e.size, e.linkname, e.uid, e.gid, e.mtime]), [
      ['bin/', 'dir', 0o755, 0, '', 0, 0, 0],
      ['bin/tool', 'file', 0o755, 4, '', 0, 0, 0],
      ['bin/sh', 'symlink', 0o777, 0, 'tool', 0, 0, 0],
      ['tmp/', 'dir', 0o1777, 0, '', 0, 0, 0],
      ['etc/empty', 'file', 0o644, 0, '', 0, 0, 0],
      ['etc/block', 'file', 0o644, 512, '', 0, 0, 0],
      [`${longDir}/file-with-a-long-path.txt`, 'file', 0o644, 5, '', 0, 0, 0],
    ]);
    assert.deepEqual(files.get('bin/tool'), Buffer.from([0, 1, 2, 255]));
    assert.equal(files.get(`${longDir}/file-with-a-long-path.txt`)?.toString(), 'deep\n');
  }
});

test('system tar lists and extracts what writeTar wrote', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-tar-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'x.tar');
  writeFileSync(file, writeTar(entries));
  const listing = execFileSync('tar', ['-tvf', file], { encoding: 'utf8' });
  assert.match(listing, /^-rwxr-xr-x root\/root\s+4 1970-01-01 00:00 bin\/tool$/m);
  assert.match(listing, /^lrwxrwxrwx root\/root\s+0 1970-01-01 00:00 bin\/sh -> tool$/m);
  assert.match(listing, /^drwxrwxrwt root\/root\s+0 1970-01-01 00:00 tmp\/$/m);
  const out = join(dir, 'out');
  mkdirSync(out);
  execFileSync('tar', ['-xf', file, '-C', out, '--no-same-owner']);
  assert.deepEqual(readFileSync(join(out, 'bin/tool')), Buffer.from([0, 1, 2, 255]));
  assert.equal(lstatSync(join(out, 'bin/tool')).mode & 0o777, 0o755);
  assert.equal(readlinkSync(join(out, 'bin/sh')), 'tool');
  assert.equal(readFileSync(join(out, longDir, 'file-with-a-long-path.txt'), 'utf8'), 'deep\n');
  assert.ok(existsSync(join(out, 'etc/empty')));
});

test('readTar reads GNU tar output (PAX/GNU long names) and gzip files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-tar-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const src = join(dir, 'src');
  const deep = join(src, 'n'.repeat(120), 'm'.repeat(120));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, 'f.txt'), 'hi');
  for (const [format, flag] of [['gnu', '-cf'], ['pax', '-czf']] as const) {
    const file = join(dir, `${format}.tar`);
    execFileSync('tar', [`--format=${format}`, flag, file, '-C', src, '.']);
    const { entries: got, files } = await readTarFile(file, (p) => p.endsWith('f.txt'));
    const f = got.find((e) => e.path.endsWith('/f.txt'));
    assert.equal(f?.path, `./${'n'.repeat(120)}/${'m'.repeat(120)}/f.txt`, format);
    assert.equal([...files.values()][0]?.toString(), 'hi', format);
  }
});

test('readTar rejects non-tar input and truncated archives', async () => {
  await assert.rejects(readTar(Readable.from([Buffer.alloc(1024, 'a')])), /not a tar archive/);
  const tar = writeTar(entries);
  await assert.rejects(readTar(Readable.from([tar.subarray(0, 700)])), /truncated/);
  const bad = Buffer.from(tar);
  bad[0] = 'z'.charCodeAt(0);
  await assert.rejects(readTar(Readable.from([bad])), /bad header checksum/);
});

test('writeTar refuses paths it cannot represent or that escape the root', () => {
  assert.throws(() => writeTar([{ type: 'file', path: 'x'.repeat(101), data: '' }]), /path too long/);
  assert.throws(() => writeTar([{ type: 'file', path: '../etc/passwd', data: '' }]), /invalid path/);
  assert.throws(() => writeTar([{ type: 'dir', path: 'a' }, { type: 'dir', path: 'a/' }]), /duplicate entry a\//);
  assert.throws(() => writeTar([{ type: 'symlink', path: 'l', target: 't'.repeat(101) }]), /linkname/);
});
