import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { createMetricsRegistry } from '@kedge/core';
import { controllerNames } from '@kedge/cloud/controllers/index.js';
import { defaultCloudConfig } from '@kedge/cloud/cloudcore/index.js';
import { createCloudMetrics } from '@kedge/cloud/metrics/index.js';
import { defaultConfig } from '@kedge/cloud/server/index.js';
import { loadEdgeConfig } from '@kedge/edge/config/index.js';
import { registerEdgeMetrics } from '@kedge/edge/metrics/index.js';
import { loadMapperConfig } from '@kedge/mappers';
import { runCli } from '../test-helpers.js';
import { anchors, leafPaths, links, prose, yamlBlock } from './markdown.js';

const root = process.env.KEDGE_REPO_ROOT ?? join(import.meta.dirname, '../../../..');
const read = (rel: string) => readFileSync(join(root, rel), 'utf8');
const configMd = () => read('docs/configuration.md');

/** `--print-default-config` of the built binary, parsed. */
function printed(cmd: string): unknown {
  const r = runCli([cmd, '--print-default-config']);
  assert.equal(r.code, 0, `kedge ${cmd} --print-default-config: ${r.stderr}`);
  return parse(r.stdout);
}

/** Every leaf field of `value` is named in backticks in the page's prose (tables), by its last path segment. */
function assertFieldsDocumented(md: string, value: unknown, what: string, except: (path: string) => boolean = () => false): void {
  // A table may name a field by any tail of its path: `port`, `cloudHub.port`, `cloudcore.cloudHub.port`.
  const named = (p: string) => p.split('.').some((_, i, parts) => md.includes(`\`${parts.slice(i).join('.')}\``));
  const missing = leafPaths(value).filter((p) => !except(p) && !named(p));
  assert.deepEqual(missing, [], `${what}: fields without a description in docs/configuration.md`);
}

test('the kedge server YAML in docs/configuration.md is exactly the default config', () => {
  const doc = parse(yamlBlock(configMd(), 'kedge server --print-default-config'));
  assert.deepEqual(doc, defaultConfig(controllerNames));
  assert.deepEqual(doc, printed('server'));
  // The per-controller switches are documented together ("one boolean switch named after it").
  const switches = new Set(controllerNames.map((n) => `controllers.${n}`));
  assertFieldsDocumented(configMd(), doc, 'kedge server', (p) => switches.has(p));
});

test('the kedge cloud YAML in docs/configuration.md is exactly the default config', () => {
  const doc = parse(yamlBlock(configMd(), 'kedge cloud --print-default-config'));
  assert.deepEqual(doc, defaultCloudConfig());
  assert.deepEqual(doc, printed('cloud'));
});

test('the edge.yaml in docs/configuration.md is the default config for its documented host-specific values', () => {
  const doc = parse(yamlBlock(configMd(), 'kedge edge --print-default-config')) as { dataDir: string; node: { name: string } };
  // Host name and data dir are the only inputs; every other value (paths under dataDir included) must follow.
  assert.deepEqual(doc, JSON.parse(JSON.stringify(loadEdgeConfig(undefined, { dataDir: doc.dataDir, node: { name: doc.node.name } }))));
  // The binary on this host prints the same structure.
  assert.deepEqual(leafPaths(doc), leafPaths(printed('edge')));
  assertFieldsDocumented(configMd(), doc, 'edge.yaml');
});

test('the mapper config.yaml in docs/configuration.md is read field by field by loadMapperConfig', () => {
  const text = yamlBlock(configMd(), 'mapper config.yaml');
  const doc = parse(text) as { grpc_server: { socket_path: string }; common: Record<string, string | number> };
  const dir = mkdtempSync(join(tmpdir(), 'kedge-doc-'));
  try {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, text);
    const cfg = loadMapperConfig({ file, defaults: { protocol: 'virtual', dmiSocket: join(dir, 'other.sock') } });
    assert.deepEqual(cfg, {
      name: doc.common.name,
      version: doc.common.version,
      apiVersion: doc.common.api_version,
      protocol: doc.common.protocol,
      socket: doc.grpc_server.socket_path,
      dmiSocket: doc.common.edgecore_sock,
      restPort: doc.common.http_port,
      restBind: '127.0.0.1',
    });
    // The documented socket default: next to EdgeCore's socket, named after the mapper.
    writeFileSync(file, 'common:\n  edgecore_sock: /run/x/dmi.sock\n');
    const dflt = loadMapperConfig({ file, defaults: { protocol: 'modbus', dmiSocket: '/unused' } });
    assert.equal(dflt.socket, '/run/x/modbus-mapper.sock');
    assert.equal(dflt.restPort, 7777);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every environment variable the code reads is in docs/configuration.md', () => {
  const md = configMd();
  const seen = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'dist') walk(p);
      } else if (e.name.endsWith('.ts')) {
        for (const m of readFileSync(p, 'utf8').matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]+)|\[['"]([A-Z][A-Z0-9_]+)['"]\])/g)) seen.add(m[1] ?? m[2]!);
      }
    }
  };
  for (const pkg of readdirSync(join(root, 'packages'))) if (existsSync(join(root, 'packages', pkg, 'src'))) walk(join(root, 'packages', pkg, 'src'));
  assert.ok(seen.has('KUBECONFIG'), 'the scan finds nothing: wrong root?');
  const missing = [...seen].filter((v) => !md.includes(`\`${v}\``));
  assert.deepEqual(missing, [], 'environment variables read in packages/*/src but not documented');
});

test('every kedge metric is listed in docs/operations.md', async () => {
  const ops = read('docs/operations.md');
  const cloud = createMetricsRegistry('kedge_cloud');
  createCloudMetrics(cloud);
  const edge = createMetricsRegistry('kedge_edge');
  const zero = () => 0;
  registerEdgeMetrics(edge, {
    hub: () => ({ connects: 0, disconnects: 0, dialFailures: 0, sent: 0, received: 0, invalidFrames: 0, dropped: 0, queued: 0, pendingRequests: 0 }),
    spool: () => ({ buffered: 0, bufferedBytes: 0, dropped: 0 }),
    twinUpdates: zero,
    pods: () => ({ containerStarts: 0, running: 0 }),
  });
  const names = [...(await cloud.getMetricsAsJSON()), ...(await edge.getMetricsAsJSON())].map((m) => m.name)
    // prom-client's process/runtime metrics are documented by their prefix.
    .filter((n) => !/^kedge_(cloud|edge)_(process|nodejs)_/.test(n));
  assert.ok(names.length > 20, `only ${names.length} metrics registered`);
  const missing = names.filter((n) => !ops.includes(`\`${n}\``));
  assert.deepEqual(missing, [], 'metrics not described in docs/operations.md');
});

test('every relative link in README.md and docs/*.md resolves (files and #anchors)', () => {
  const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const broken: string[] = [];
  let checked = 0;
  for (const page of pages) {
    const md = read(page);
    for (const { target, line } of links(md)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      checked++;
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path ? resolve(dirname(join(root, page)), decodeURIComponent(path)) : join(root, page);
      if (!existsSync(file)) {
        broken.push(`${page}:${line}: ${target} (no such file)`);
        continue;
      }
      if (anchor && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(anchor)) broken.push(`${page}:${line}: ${target} (no such heading)`);
    }
  }
  assert.ok(checked > 10, `only ${checked} links found`);
  assert.deepEqual(broken, []);
});

test('the markdown helpers see links only outside code', () => {
  const md = '# A `b` (c)\n\n[x](y.md#a-b-c) `[no](z.md)`\n```\n[no](w.md)\n```\n<a id="k"></a>\n## A b c\n';
  assert.deepEqual(links(md).map((l) => l.target), ['y.md#a-b-c']);
  assert.deepEqual([...anchors(md)], ['a-b-c', 'k', 'a-b-c-1']);
  assert.ok(!prose(md).includes('w.md'));
});
