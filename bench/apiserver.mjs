#!/usr/bin/env node
// API server benchmark: creates, list, watch fan-out latency and RSS of a real `kedge server`,
// against a same-run raw better-sqlite3 baseline. See docs/benchmarks.md.
//   node bench/apiserver.mjs [--count 10000] [--concurrency 32] [--watchers 100] [--updates 2000] [--warmup 2000]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { parse as parseYaml } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '32' },
    watchers: { type: 'string', default: '100' },
    updates: { type: 'string' },
    'payload-bytes': { type: 'string', default: '1024' },
    warmup: { type: 'string', default: '2000' },
  },
});
const COUNT = Number(opts.count);
const CONC = Number(opts.concurrency);
const WATCHERS = Number(opts.watchers);
const UPDATES = Number(opts.updates ?? Math.min(COUNT, 2000));
const PAYLOAD = 'x'.repeat(Number(opts['payload-bytes']));
const WARMUP = Number(opts.warmup);
const NS = 'bench';

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function pct(values, p) {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

// ---- server process --------------------------------------------------------------------------
async function startServer(dataDir) {
  const child = spawn(process.execPath, [join(root, 'packages/cli/dist/main.js'), 'server', '--data-dir', dataDir, '--port', '0', '--bind', '127.0.0.1', '--storage', 'sqlite', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d) => { err = (err + d).slice(-20_000); });
  const exited = new Promise((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 30_000;
  while (!/^export KUBECONFIG=/m.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`kedge server did not start\nstdout: ${out}\nstderr: ${err}`);
    }
    await sleep(50);
  }
  const kubeconfig = out.match(/^kubeconfig: (\S+)$/m)[1];
  return {
    child, kubeconfig, stderr: () => err,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

function rssSampler(pid) {
  const read = () => {
    try {
      const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
      return m ? Number(m[1]) / 1024 : 0;
    } catch { return 0; }
  };
  let peak = 0;
  const timer = setInterval(() => { peak = Math.max(peak, read()); }, 100);
  return { read, peak: () => Math.max(peak, read()), stop: () => clearInterval(timer) };
}

// ---- https client ----------------------------------------------------------------------------
function connection(kubeconfig) {
  const kc = parseYaml(readFileSync(kubeconfig, 'utf8'));
  const b64 = (s) => Buffer.from(s, 'base64');
  const tls = { ca: b64(kc.clusters[0].cluster['certificate-authority-data']), cert: b64(kc.users[0].user['client-certificate-data']), key: b64(kc.users[0].user['client-key-data']) };
  return { server: kc.clusters[0].cluster.server, tls };
}

function call(conn, agent, method, path, body, contentType = 'application/json') {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, conn.server), {
      method, agent, timeout: 60_000,
      headers: { Accept: 'application/json', ...(payload ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {}) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

async function pool(n, concurrency, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) await fn(next++);
  }));
}

// Only the resourceVersion is needed per event; a regex keeps 100 watchers' parsing off the critical path.
const RV_RE = /"resourceVersion":"(\d+)"/;

function openWatcher(conn, path, onEvent) {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, conn.server), { method: 'GET', agent: false, ...conn.tls, headers: { Accept: 'application/json' } }, (res) => {
      if (res.statusCode !== 200) { reject(new Error(`watch HTTP ${res.statusCode}`)); return; }
      let buf = '';
      res.setEncoding('utf8').on('data', (d) => {
        const t = nowMs();
        buf += d;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const m = buf.slice(0, nl).match(RV_RE);
          buf = buf.slice(nl + 1);
          if (m) onEvent(m[1], t);
        }
      });
      res.on('error', () => {});
      resolve({ close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

// ---- phases ----------------------------------------------------------------------------------
async function benchApi() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kedge-bench-'));
  const server = await startServer(dataDir);
  const rss = rssSampler(server.child.pid);
  const conn = connection(server.kubeconfig);
  const agent = new Agent({ keepAlive: true, maxSockets: CONC, ...conn.tls });
  const watchers = [];
  try {
    const ns = await call(conn, agent, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    if (ns.status !== 201) throw new Error(`create namespace: ${ns.status} ${ns.text}`);
    const rssStart = rss.read();

    // Warm-up in another namespace (not measured): the first requests pay for V8's JIT and for
    // the server's lazily built state, which a long-running server has long since done.
    const warm = await call(conn, agent, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${NS}-warmup` } });
    if (warm.status !== 201) throw new Error(`create warm-up namespace: ${warm.status} ${warm.text}`);
    await pool(WARMUP, CONC, async (i) => {
      const r = await call(conn, agent, 'POST', `/api/v1/namespaces/${NS}-warmup/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `warm-${i}` }, data: { payload: PAYLOAD } });
      if (r.status !== 201) throw new Error(`warm-up create: ${r.status} ${r.text}`);
    });

    const createLat = [];
    const t0 = nowMs();
    await pool(COUNT, CONC, async (i) => {
      const s = nowMs();
      const r = await call(conn, agent, 'POST', `/api/v1/namespaces/${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { payload: PAYLOAD } });
      createLat.push(nowMs() - s);
      if (r.status !== 201) throw new Error(`create cm-${i}: ${r.status} ${r.text}`);
    });
    const createMs = nowMs() - t0;

    let l0 = nowMs();
    const full = await call(conn, agent, 'GET', `/api/v1/namespaces/${NS}/configmaps`);
    const listMs = nowMs() - l0;
    const listed = JSON.parse(full.text);
    if (listed.items.length !== COUNT) throw new Error(`list returned ${listed.items.length} of ${COUNT}`);
    const listRV = listed.metadata.resourceVersion;

    l0 = nowMs();
    let pages = 0;
    let paged = 0;
    let cont = '';
    do {
      const r = await call(conn, agent, 'GET', `/api/v1/namespaces/${NS}/configmaps?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      if (r.status !== 200) throw new Error(`paged list: ${r.status} ${r.text.slice(0, 300)}`);
      const page = JSON.parse(r.text);
      pages++;
      paged += page.items.length;
      cont = page.metadata.continue ?? '';
    } while (cont);
    const pagedMs = nowMs() - l0;
    if (paged !== COUNT) throw new Error(`paged list returned ${paged} of ${COUNT}`);

    // Watch fan-out: every watcher must see every update; latency = watcher receipt - writer's response.
    const responded = new Map();
    const received = Array.from({ length: WATCHERS }, () => new Map());
    for (let w = 0; w < WATCHERS; w++) {
      watchers.push(await openWatcher(conn, `/api/v1/namespaces/${NS}/configmaps?watch=true&resourceVersion=${listRV}`, (rv, t) => received[w].set(rv, t)));
    }
    await sleep(200);
    const updLat = [];
    const u0 = nowMs();
    await pool(UPDATES, CONC, async (i) => {
      const s = nowMs();
      const r = await call(conn, agent, 'PATCH', `/api/v1/namespaces/${NS}/configmaps/cm-${i % COUNT}`, { data: { seq: String(i) } }, 'application/merge-patch+json');
      const t = nowMs();
      updLat.push(t - s);
      if (r.status !== 200) throw new Error(`update cm-${i % COUNT}: ${r.status} ${r.text}`);
      responded.set(r.text.match(RV_RE)[1], t);
    });
    const updateMs = nowMs() - u0;
    const deadline = Date.now() + 60_000;
    while (received.some((m) => [...responded.keys()].some((rv) => !m.has(rv)))) {
      if (Date.now() > deadline) throw new Error('watchers did not receive every update within 60 s');
      await sleep(50);
    }
    const delivery = [];
    let early = 0;
    for (const m of received) {
      for (const [rv, t] of responded) {
        const d = m.get(rv) - t;
        if (d < 0) early++;
        delivery.push(Math.max(0, d));
      }
    }
    for (const w of watchers.splice(0)) w.close();
    await sleep(200);
    const result = {
      creates: { count: COUNT, concurrency: CONC, perSec: round(COUNT / (createMs / 1000), 0), totalMs: round(createMs, 0), p50Ms: round(pct(createLat, 50)), p99Ms: round(pct(createLat, 99)) },
      list: { items: COUNT, fullMs: round(listMs, 0), fullBytes: full.text.length, paged500Ms: round(pagedMs, 0), pages },
      watch: { watchers: WATCHERS, updates: UPDATES, updatesPerSec: round(UPDATES / (updateMs / 1000), 0), updateP99Ms: round(pct(updLat, 99)), events: delivery.length, deliveryP50Ms: round(pct(delivery, 50)), deliveryP99Ms: round(pct(delivery, 99)), deliveredBeforeResponse: early },
      rssMB: { start: round(rssStart, 0), peak: round(rss.peak(), 0), end: round(rss.read(), 0) },
    };
    return result;
  } finally {
    for (const w of watchers) w.close();
    rss.stop();
    agent.destroy();
    const code = await server.stop();
    if (code !== 0) console.error(`kedge server exited with ${code}\n${server.stderr()}`);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function benchRawSqlite() {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-bench-sqlite-'));
  try {
    const db = new Database(join(dir, 'raw.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`CREATE TABLE kine (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, created INTEGER, deleted INTEGER,
      create_revision INTEGER, prev_revision INTEGER, lease INTEGER, value BLOB, old_value BLOB);
      CREATE INDEX kine_name_index ON kine (name); CREATE INDEX kine_name_id_index ON kine (name, id);
      CREATE INDEX kine_id_deleted_index ON kine (id, deleted); CREATE INDEX kine_prev_revision_index ON kine (prev_revision);
      CREATE UNIQUE INDEX kine_name_prev_revision_uindex ON kine (name, prev_revision);`);
    const insert = db.prepare('INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) VALUES (?, 1, 0, 0, 0, 0, ?, NULL)');
    const t0 = nowMs();
    for (let i = 0; i < COUNT; i++) {
      const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: NS, uid: crypto.randomUUID(), creationTimestamp: new Date().toISOString() }, data: { payload: PAYLOAD } };
      insert.run(`/registry/configmaps/${NS}/cm-${i}`, Buffer.from(JSON.stringify(obj)));
    }
    const ms = nowMs() - t0;
    db.close();
    return { inserts: COUNT, perSec: round(COUNT / (ms / 1000), 0), totalMs: round(ms, 0), journal: 'WAL', synchronous: 'NORMAL', autocommit: true };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const api = await benchApi();
const raw = benchRawSqlite();
const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: (await import('node:os')).cpus().length,
  apiserver: api,
  rawSqlite: raw,
  ratio: round(api.creates.perSec / raw.perSec, 2),
};
console.log(JSON.stringify(result, null, 2));
console.log(`apiserver: ${api.creates.perSec} creates/s (p99 ${Math.round(api.creates.p99Ms)} ms), list ${COUNT} in ${api.list.fullMs} ms (paged ${api.list.paged500Ms} ms), watch p99 ${Math.round(api.watch.deliveryP99Ms)} ms with ${WATCHERS} watchers, rss ${api.rssMB.peak} MB peak / ${api.rssMB.end} MB end; raw sqlite ${raw.perSec} inserts/s (ratio ${result.ratio})`);
