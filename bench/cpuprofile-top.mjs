#!/usr/bin/env node
// Self time by function and by file from V8 .cpuprofile files (bench/hub.mjs --profile DIR).
//   node bench/cpuprofile-top.mjs [--top 25] [--from S] [--to S] FILE.cpuprofile...
// --from/--to keep only samples in that window (seconds since the profile started), e.g. a ramp or a shutdown.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' }, from: { type: 'string', default: '0' }, to: { type: 'string', default: 'Infinity' } }, allowPositionals: true });
const TOP = Number(values.top);

function summarise(file) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  // timeDeltas[i] is the time before samples[i]; attribute it to that sample's node.
  const fromUs = Number(values.from) * 1e6;
  const toUs = Number(values.to) * 1e6;
  let at = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    at += prof.timeDeltas[i] ?? 0;
    if (at < fromUs || at > toUs) continue;
    selfUs.set(prof.samples[i], (selfUs.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
  const fn = new Map();
  const files = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const cf = byId.get(id).callFrame;
    const url = cf.url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, 'nm:').replace(/.*\/packages\//, '');
    const key = `${cf.functionName || '(anon)'} ${url ? `${url}:${cf.lineNumber + 1}` : ''}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const f = url || cf.functionName;
    files.set(f, (files.get(f) ?? 0) + us);
    total += us;
  }
  const show = (title, m) => {
    console.log(`  ${title}`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${(us / 1e6).toFixed(2).padStart(8)} s ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
  };
  console.log(`${basename(file)}: ${(total / 1e6).toFixed(1)} s sampled`);
  show('by function (self)', fn);
  show('by file (self)', files);
}
for (const f of positionals) summarise(f);
