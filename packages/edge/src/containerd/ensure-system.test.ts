// scripts/ensure-system.mjs (run by `npm test` before the suites): it must never fail a run, and must
// do nothing when the packages are already there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Ensure = (names: string[], opts?: { required?: boolean; print?: (l: string) => void; dryRun?: boolean }) => boolean;
// Same depth from src/ and dist/: packages/edge/{src,dist}/containerd → repo root.
const script = new URL('../../../../scripts/ensure-system.mjs', import.meta.url);
const skip = existsSync(fileURLToPath(script)) ? undefined : 'scripts/ensure-system.mjs not found next to this package';

async function load(): Promise<{ ensureSystemPackages: Ensure; isPackagePresent: (n: string) => boolean }> {
  return (await import(script.href)) as { ensureSystemPackages: Ensure; isPackagePresent: (n: string) => boolean };
}

test('present packages: true, silent, no apt-get', { skip }, async () => {
  const m = await load();
  const lines: string[] = [];
  const present = ['containerd', 'runc', 'containernetworking-plugins', 'busybox-static'].filter((n) => m.isPackagePresent(n));
  const t0 = Date.now();
  assert.equal(m.ensureSystemPackages(present, { print: (l) => lines.push(l) }), true);
  assert.deepEqual(lines, []);
  assert.ok(Date.now() - t0 < 1000);
});

test('a missing package is reported with the command to install it, never thrown unless required', { skip }, async () => {
  const m = await load();
  const lines: string[] = [];
  const name = 'kedge-no-such-package';
  assert.equal(m.ensureSystemPackages([name], { print: (l) => lines.push(l), dryRun: true }), false);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, new RegExp(name));
  if (process.getuid?.() !== 0) {
    assert.match(lines[0]!, /not root.*apt-get install -y kedge-no-such-package/);
    assert.throws(() => m.ensureSystemPackages([name], { required: true, print: () => {} }), /apt-get install -y kedge-no-such-package/);
  }
});
