#!/usr/bin/env node
// Installs the Debian packages the edge runtime tests need (issue 4: real containerd + runc, CNI plugins,
// busybox-static for a local test image) when they are missing. Built-ins only: it runs before npm.
// It never fails the run by itself: when it cannot install, it says what is missing and how to get it,
// and the tests that need the binaries skip with a reason.
//
// Usage: node scripts/ensure-system.mjs containerd runc containernetworking-plugins busybox-static
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian package → a file whose presence means the package is usable. */
export const packageProbes = {
  containerd: { bin: 'containerd' },
  runc: { bin: 'runc' },
  'containernetworking-plugins': { file: '/usr/lib/cni/bridge' },
  'busybox-static': { file: '/bin/busybox' },
  mosquitto: { bin: 'mosquitto' },
  'etcd-server': { bin: 'etcd' },
  chromium: { bin: 'chromium' },
};

function onPath(bin, env = process.env) {
  // /usr/sbin is often not on a non-root PATH, but containerd and mosquitto live there on Debian.
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  for (const d of dirs) {
    if (!d) continue;
    try {
      accessSync(join(d, bin), constants.X_OK);
      return true;
    } catch {
      // not in this dir
    }
  }
  return false;
}

/** True when the package's probe file or binary is present (unknown packages: asks dpkg). */
export function isPackagePresent(name) {
  const probe = packageProbes[name];
  if (probe?.bin) return onPath(probe.bin);
  if (probe?.file) return existsSync(probe.file);
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/**
 * Installs the missing packages with apt-get when running as root. Returns true when all are present
 * afterwards. Options: `required` (default false) turns a failure into a thrown Error; `print` receives
 * one line per action (default console.error, so stdout stays clean for test reporters);
 * `dryRun` reports what would run without running it.
 */
export function ensureSystemPackages(names, opts = {}) {
  const { required = false, print = (line) => console.error(line), dryRun = false } = opts;
  const missing = names.filter((n) => !isPackagePresent(n));
  if (missing.length === 0) return true;
  const hint = `apt-get install -y ${missing.join(' ')}`;
  const fail = (why) => {
    const line = `ensure-system: missing ${missing.join(', ')} (${why}); install with: ${hint}`;
    if (required) throw new Error(line);
    print(line);
    return false;
  };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) return fail('not root, cannot install');
  if (!onPath('apt-get')) return fail('apt-get not available');
  if (dryRun) {
    print(`ensure-system: would run apt-get update and install ${missing.join(' ')}`);
    return false;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const started = Date.now();
  print(`ensure-system: installing ${missing.join(' ')} with apt-get`);
  const update = spawnSync('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 180_000 });
  if (update.status !== 0) return fail(`apt-get update failed: ${(update.stderr ?? update.error?.message ?? '').trim().split('\n').pop()}`);
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (install.status !== 0) return fail(`apt-get install failed: ${(install.stderr ?? install.error?.message ?? '').trim().split('\n').pop()}`);
  const still = missing.filter((n) => !isPackagePresent(n));
  if (still.length > 0) return fail(`still missing after apt-get install: ${still.join(', ')}`);
  print(`ensure-system: installed ${missing.join(' ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  ensureSystemPackages(names, { dryRun: process.argv.includes('--dry-run') });
}
