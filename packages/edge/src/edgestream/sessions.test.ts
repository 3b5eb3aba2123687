// The edge end of the stream tunnel against a real private containerd and runc: log and exec sessions
// driven by tunnel frames exactly as CloudStream sends them, including flow control.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { silentLogger } from '@kedge/core';
import type { CriClient, PodSandboxConfig } from '../cri/index.js';
import { CONTAINER_NAME, podLabels } from '../edged/pod-manager/labels.js';
import { containerdSkipReason, DEFAULT_BUSYBOX_IMAGE, startTestRuntime, type TestRuntime } from '../edged/pod-manager/testing.js';
import { decodeUvarint, encodeUvarint, FrameType, SESSION_WINDOW, type Frame, type OpenRequest } from '@kedge/core/stream-tunnel/index.js';
import { SessionHost } from './sessions.js';

const skip = containerdSkipReason();
if (skip) console.log(`# skipping edgestream session tests: ${skip}`);

let rt: TestRuntime | undefined;
let cri: CriClient;
const POD = { namespace: 'default', name: 'streamer', uid: randomUUID() };
const BIG_LINES = 20_000;

before(async () => {
  if (skip) return;
  rt = await startTestRuntime({ prefix: 'kedge-edgestream-test-', bridge: 'kedgees0', subnet: '10.93.0.0/16' });
  cri = rt.cri;
  const sb: PodSandboxConfig = {
    metadata: { ...POD, attempt: 0 }, logDirectory: join(rt.dir, 'pods', POD.uid), labels: podLabels(POD.uid, POD.name, POD.namespace),
    linux: { securityContext: { namespaceOptions: { network: 'NODE' } } },
  } as PodSandboxConfig;
  const { podSandboxId } = await cri.runPodSandbox({ config: sb });
  const start = async (name: string, script: string) => {
    const { containerId } = await cri.createContainer({
      podSandboxId, sandboxConfig: sb,
      config: { metadata: { name, attempt: 0 }, image: { image: DEFAULT_BUSYBOX_IMAGE }, command: ['sh', '-c', script], logPath: `${name}/0.log`, labels: { ...podLabels(POD.uid, POD.name, POD.namespace), [CONTAINER_NAME]: name } },
    } as never);
    await cri.startContainer({ containerId });
  };
  await start('main', 'echo hello; echo world >&2; sleep 3600');
  await start('big', `i=0; while [ $i -lt ${BIG_LINES} ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done; echo done; sleep 3600`);
});

after(async () => {
  await rt?.stop();
});

/** A SessionHost whose outgoing frames are recorded, with a way to wait for the session's end. */
function host() {
  const frames: Frame[] = [];
  let onFrame: () => void = () => {};
  const h = new SessionHost({
    send: (buf) => {
      const id = decodeUvarint(buf).value;
      const next = decodeUvarint(buf).next;
      frames.push({ id, type: buf[next] as Frame['type'], payload: Buffer.from(buf.subarray(next + 1)) });
      onFrame();
      return true;
    },
    runtime: async () => cri,
    log: silentLogger(),
  });
  const until = (pred: () => boolean, what: string) => new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; frames ${JSON.stringify(frames.map((f) => [f.id, f.type, f.payload.length]))}`)), 20_000);
    const check = () => {
      if (!pred()) return;
      clearTimeout(timer);
      onFrame = () => {};
      resolve();
    };
    onFrame = check;
    check();
  });
  const open = (id: number, req: OpenRequest) => h.onFrame({ id, type: FrameType.Open, payload: Buffer.from(JSON.stringify(req)) });
  const closed = (id: number) => frames.some((f) => f.id === id && f.type === FrameType.Close);
  const data = (id: number) => Buffer.concat(frames.filter((f) => f.id === id && f.type === FrameType.Data).map((f) => f.payload));
  return { h, frames, until, open, closed, data };
}

test('logs: Ready, the text of both streams, Close; an unknown container and --previous give kubelet Status errors', { skip, timeout: 60_000 }, async () => {
  const t = host();
  t.open(1, { kind: 'logs', pod: POD, opts: { container: 'main' } });
  await t.until(() => t.closed(1), 'logs session 1 to close');
  assert.deepEqual(t.frames.filter((f) => f.id === 1).map((f) => f.type)[0], FrameType.Ready);
  assert.deepEqual(t.data(1).toString().split('\n').sort(), ['', 'hello', 'world']);

  t.open(2, { kind: 'logs', pod: POD, opts: { container: 'main', previous: true } });
  t.open(3, { kind: 'logs', pod: { namespace: POD.namespace, name: POD.name }, opts: {} });
  await t.until(() => t.closed(2) && t.closed(3), 'error sessions to close');
  const err = (id: number) => JSON.parse(t.frames.find((f) => f.id === id && f.type === FrameType.Error)!.payload.toString());
  assert.equal(err(2).reason, 'BadRequest');
  assert.equal(err(2).message, 'previous terminated container "main" in pod "streamer" not found');
  assert.equal(err(3).code, 400);
  assert.match(err(3).message, /a container name must be specified for pod streamer, choose one of: \[big main\]/);
});

test('exec: stdin relayed, output on channel 1, exit code 3 as a NonZeroExitCode Status on channel 3, stdin credit returned', { skip, timeout: 60_000 }, async () => {
  const t = host();
  t.open(1, { kind: 'exec', pod: POD, opts: { container: 'main', command: ['sh', '-c', 'read x; echo got $x; exit 3'], stdin: true, stdout: true, stderr: true, tty: false } });
  const stdin = Buffer.from([0, ...Buffer.from('abc\n')]);
  t.h.onFrame({ id: 1, type: FrameType.Data, payload: stdin });
  await t.until(() => t.closed(1), 'exec session to close');
  const out = t.frames.filter((f) => f.id === 1 && f.type === FrameType.Data);
  const ch = (n: number) => Buffer.concat(out.filter((f) => f.payload[0] === n).map((f) => f.payload.subarray(1))).toString();
  assert.equal(ch(1), 'got abc\n');
  const status = JSON.parse(ch(3));
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '3' }]);
  const window = t.frames.find((f) => f.id === 1 && f.type === FrameType.Window);
  assert.equal(window && decodeUvarint(window.payload).value, stdin.length);
});

test('exec into a missing container answers on channel 3 and closes', { skip, timeout: 30_000 }, async () => {
  const t = host();
  t.open(5, { kind: 'exec', pod: POD, opts: { container: 'nope', command: ['true'], stdin: false, stdout: true, stderr: true, tty: false } });
  await t.until(() => t.closed(5), 'session to close');
  const f = t.frames.find((x) => x.id === 5 && x.type === FrameType.Data)!;
  assert.equal(f.payload[0], 3);
  assert.match(JSON.parse(f.payload.subarray(1).toString()).message, /container "nope" in pod "streamer" is waiting to start/);
});

test('logs flow control: the edge stops at the session window until the cloud returns credit', { skip, timeout: 60_000 }, async () => {
  const t = host();
  // Wait until the big container has written everything.
  for (;;) {
    const probe = host();
    probe.open(1, { kind: 'logs', pod: POD, opts: { container: 'big', tailLines: 1 } });
    await probe.until(() => probe.closed(1), 'tail probe');
    if (probe.data(1).toString() === 'done\n') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  t.open(9, { kind: 'logs', pod: POD, opts: { container: 'big' } });
  // Without Window frames the edge must stop after about one window: wait for the output to settle.
  let seen = -1;
  while (t.data(9).length !== seen) {
    seen = t.data(9).length;
    await new Promise((r) => setTimeout(r, 300));
  }
  assert.ok(!t.closed(9), 'the session must not finish without credit');
  assert.ok(seen >= SESSION_WINDOW && seen < SESSION_WINDOW + 128 * 1024, `in flight without credit: ${seen} bytes`);
  // Return credit as a client would after each write, until the log is complete.
  let granted = 0;
  while (!t.closed(9)) {
    const delivered = t.data(9).length - granted;
    if (delivered > 0) {
      t.h.onFrame({ id: 9, type: FrameType.Window, payload: encodeUvarint(delivered) });
      granted += delivered;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const lines = t.data(9).toString().trimEnd().split('\n');
  assert.equal(lines.length, BIG_LINES + 1);
  assert.equal(lines.at(-1), 'done');
  assert.match(lines[12345]!, /^line-12345-x+$/);
});

test('an aborted tunnel closes the sessions it carried', { skip, timeout: 30_000 }, async () => {
  const t = host();
  t.open(1, { kind: 'logs', pod: POD, opts: { container: 'main', follow: true } });
  await t.until(() => t.data(1).length > 0, 'follow output');
  assert.equal(t.h.size, 1);
  t.h.closeAll();
  await t.until(() => t.closed(1), 'follow session to close');
  assert.equal(t.h.size, 0);
});
