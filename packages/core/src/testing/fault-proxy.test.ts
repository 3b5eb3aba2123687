import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<never>((_, reject) => { t = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); }),
  ]);
}

/** Reads from `sock` until `n` bytes have arrived. */
function readBytes(sock: net.Socket, n: number, ms = 2000): Promise<Buffer> {
  return withTimeout(new Promise<Buffer>((resolve) => {
    const bufs: Buffer[] = [];
    let len = 0;
    const on = (b: Buffer) => {
      bufs.push(b);
      len += b.length;
      if (len >= n) {
        sock.off('data', on);
        resolve(Buffer.concat(bufs));
      }
    };
    sock.on('data', on);
  }), ms, `read ${n} bytes`);
}

async function dial(port: number): Promise<net.Socket> {
  const s = net.connect({ host: '127.0.0.1', port });
  s.on('error', () => {});
  await withTimeout(once(s, 'connect'), 2000, 'connect');
  return s;
}

const closed = (s: net.Socket) => withTimeout(s.destroyed ? Promise.resolve() : once(s, 'close').then(() => {}), 2000, 'socket close');

describe('fault proxy', () => {
  let echo: net.Server;
  let echoPort: number;
  // A chunk written by the echo server is also what the proxy sees as one "cloud" chunk.
  let serverSockets: net.Socket[] = [];

  before(async () => {
    echo = net.createServer((s) => {
      serverSockets.push(s);
      s.on('error', () => {});
      s.on('data', (b) => s.write(b));
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    echoPort = (echo.address() as net.AddressInfo).port;
  });
  after(async () => {
    for (const s of serverSockets) s.destroy();
    await new Promise<void>((r) => echo.close(() => r()));
  });

  async function withProxy(fn: (p: FaultProxy) => Promise<void>): Promise<void> {
    const p = await startFaultProxy({ target: { host: '127.0.0.1', port: echoPort } });
    try {
      await fn(p);
    } finally {
      await withTimeout(p.close(), 2000, 'proxy close');
    }
  }

  it('forwards both ways and counts bytes', () => withProxy(async (p) => {
    const c = await dial(p.port);
    c.write('hello');
    assert.equal((await readBytes(c, 5)).toString(), 'hello');
    assert.equal(p.connections(), 1);
    assert.deepEqual({ up: p.stats().upBytes, down: p.stats().downBytes, accepted: p.stats().accepted }, { up: 5, down: 5, accepted: 1 });
    c.destroy();
  }));

  it('cut() destroys open connections but accepts new ones', () => withProxy(async (p) => {
    const c = await dial(p.port);
    c.write('x');
    await readBytes(c, 1);
    p.cut();
    await closed(c);
    assert.equal(p.connections(), 0);
    const c2 = await dial(p.port);
    c2.write('again');
    assert.equal((await readBytes(c2, 5)).toString(), 'again');
    c2.destroy();
  }));

  it('block() closes new connections at once; unblock() accepts again', () => withProxy(async (p) => {
    p.block();
    const c = await dial(p.port);
    await closed(c);
    assert.equal(p.stats().refused, 1);
    p.unblock();
    const c2 = await dial(p.port);
    c2.write('ok');
    assert.equal((await readBytes(c2, 2)).toString(), 'ok');
    c2.destroy();
  }));

  it('stall() holds bytes without closing; resume() delivers them', () => withProxy(async (p) => {
    const c = await dial(p.port);
    c.write('a');
    await readBytes(c, 1);
    p.stall();
    c.write('held');
    await assert.rejects(readBytes(c, 4, 200), /timed out/);
    assert.equal(c.destroyed, false);
    assert.equal(p.connections(), 1);
    p.resume();
    assert.equal((await readBytes(c, 4)).toString(), 'held');
    c.destroy();
  }));

  it('setDelay() adds latency each way', () => withProxy(async (p) => {
    const c = await dial(p.port);
    p.setDelay(100);
    const t0 = Date.now();
    c.write('d');
    await readBytes(c, 1);
    const rtt = Date.now() - t0;
    assert.ok(rtt >= 190, `round trip ${rtt} ms should include 2 × 100 ms`);
    p.setDelay(0);
    c.destroy();
  }));

  it('dropMidFrame() forwards part of the next downstream chunk, then destroys the connection', () => withProxy(async (p) => {
    const c = await dial(p.port);
    c.write('warm');
    await readBytes(c, 4);
    const got: Buffer[] = [];
    c.on('data', (b) => got.push(b));
    p.dropMidFrame();
    c.write('0123456789');
    await closed(c);
    const total = Buffer.concat(got).toString();
    assert.equal(total, '01234');
    assert.equal(p.connections(), 0);
    // The fault fires once: the next connection is healthy.
    const c2 = await dial(p.port);
    c2.write('0123456789');
    assert.equal((await readBytes(c2, 10)).toString(), '0123456789');
    c2.destroy();
  }));

  it('close() ends open connections and stops listening', async () => {
    const p = await startFaultProxy({ target: { host: '127.0.0.1', port: echoPort } });
    const c = await dial(p.port);
    await p.close();
    await closed(c);
    const s = net.connect({ host: '127.0.0.1', port: p.port });
    const [err] = (await withTimeout(once(s, 'error'), 2000, 'refused')) as [NodeJS.ErrnoException];
    assert.equal(err.code, 'ECONNREFUSED');
  });
});
