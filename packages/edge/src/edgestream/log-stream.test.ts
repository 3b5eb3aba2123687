import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogFormatter, parseCriLogLine, sinceMillis } from './cri-log.js';
import { streamLogFile, tailOffset, type LogStreamOptions } from './log-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'kedge-logs-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const LOG = [
  '2026-11-26T05:00:00.100000000Z stdout F one',
  '2026-11-26T05:00:01.2Z stderr F two',
  '2026-11-26T05:00:02.3Z stdout P thr',
  '2026-11-26T05:00:02.4Z stdout P e',
  '2026-11-26T05:00:02.5Z stdout F e',
  '2026-11-26T05:00:03Z stdout F four with spaces ',
  '2026-11-26T05:00:04Z stdout F ',
  '2026-11-26T05:00:05Z stdout F six',
].join('\n') + '\n';

let n = 0;
function file(text: string): string {
  const p = join(dir, `${n++}.log`);
  writeFileSync(p, text);
  return p;
}

async function read(path: string, o: LogStreamOptions, signal = new AbortController().signal): Promise<string> {
  const chunks: Buffer[] = [];
  await streamLogFile(path, o, async (c) => void chunks.push(c), signal);
  return Buffer.concat(chunks).toString('utf8');
}

test('CRI log lines parse into time, stream, partial tag and content (spaces kept)', () => {
  assert.deepEqual(parseCriLogLine('2026-11-26T05:00:00Z stdout F a b '), { time: '2026-11-26T05:00:00Z', stream: 'stdout', partial: false, content: 'a b ' });
  assert.equal(parseCriLogLine('2026-11-26T05:00:00Z stderr P x')?.partial, true);
  assert.equal(parseCriLogLine('2026-11-26T05:00:00Z stdout F')?.content, '');
  assert.equal(parseCriLogLine('garbage'), undefined);
  assert.equal(parseCriLogLine('2026-11-26T05:00:00Z nope F x'), undefined);
});

test('the whole log: both streams in order, partial lines joined', async () => {
  assert.equal(await read(file(LOG), {}), 'one\ntwo\nthree\nfour with spaces \n\nsix\n');
});

test('timestamps prefix the RFC3339Nano time of the first part', async () => {
  const out = (await read(file(LOG), { timestamps: true })).split('\n');
  assert.equal(out[0], '2026-11-26T05:00:00.100000000Z one');
  assert.equal(out[2], '2026-11-26T05:00:02.3Z three');
});

test('tailLines counts logical lines, a joined partial line as one', async () => {
  const p = file(LOG);
  assert.equal(await read(p, { tailLines: 1 }), 'six\n');
  assert.equal(await read(p, { tailLines: 4 }), 'three\nfour with spaces \n\nsix\n');
  assert.equal(await read(p, { tailLines: 0 }), '');
  assert.equal(await read(p, { tailLines: 100 }), 'one\ntwo\nthree\nfour with spaces \n\nsix\n');
});

test('tailOffset works across chunk boundaries of a large file', async () => {
  const lines = Array.from({ length: 5000 }, (_, i) => `2026-11-26T05:00:00Z stdout F line ${i} ${'x'.repeat(i % 50)}`);
  const p = file(lines.join('\n') + '\n');
  const out = (await read(p, { tailLines: 3000 })).trimEnd().split('\n');
  assert.equal(out.length, 3000);
  assert.match(out[0]!, /^line 2000 /);
  assert.match(out.at(-1)!, /^line 4999 /);
  const fh = await open(p);
  try {
    assert.equal(await tailOffset(fh, (await fh.stat()).size, 10_000), 0);
  } finally {
    await fh.close();
  }
});

test('sinceTime drops older records; limitBytes cuts the output', async () => {
  const p = file(LOG);
  assert.equal(await read(p, { sinceTime: '2026-11-26T05:00:03Z' }), 'four with spaces \n\nsix\n');
  assert.equal(await read(p, { limitBytes: 6 }), 'one\ntw');
  assert.throws(() => sinceMillis({ sinceSeconds: 1, sinceTime: '2026-11-26T05:00:03Z' }), /at most one of sinceTime or sinceSeconds/);
  assert.throws(() => sinceMillis({ sinceTime: 'yesterday' }), /sinceTime: invalid/);
  const f = new LogFormatter({ since: Date.parse('2026-11-26T05:00:01Z') });
  assert.equal(f.push(LOG.split('\n')).toString(), 'two\nthree\nfour with spaces \n\nsix\n');
});

test('follow streams lines appended later, joins a partial line split across writes, and ends when the container stops', async () => {
  const p = file('2026-11-26T05:00:00Z stdout F first\n');
  let running = true;
  const got: string[] = [];
  let resolveSeen: () => void = () => {};
  let want = '';
  const seen = (text: string) => new Promise<void>((r) => { want = text; resolveSeen = r; });
  const done = streamLogFile(p, { follow: true, pollMs: 20, stillRunning: async () => running }, async (c) => {
    got.push(c.toString());
    if (got.join('').includes(want)) resolveSeen();
  }, new AbortController().signal);
  let wait = seen('first\n');
  await wait;
  wait = seen('second half\n');
  appendFileSync(p, '2026-11-26T05:00:01Z stdout P second');
  appendFileSync(p, ' \n2026-11-26T05:00:01Z stdout F half\n');
  await wait;
  running = false;
  appendFileSync(p, '2026-11-26T05:00:02Z stdout F last words\n');
  await done;
  assert.equal(got.join(''), 'first\nsecond half\nlast words\n');
});

test('follow ends when the caller aborts', async () => {
  const p = file('2026-11-26T05:00:00Z stdout F a\n');
  const ac = new AbortController();
  const out: string[] = [];
  const done = streamLogFile(p, { follow: true, pollMs: 20, stillRunning: async () => true }, async (c) => {
    out.push(c.toString());
    ac.abort();
  }, ac.signal);
  await done;
  assert.deepEqual(out, ['a\n']);
});
