import net from 'node:net';

/**
 * A TCP proxy that injects network faults between a client (the edge) and a target (the cloud), so
 * tests and benchmarks simulate bad networks instead of killing processes (issue 3, "Tests").
 * "Up" is client → target, "down" is target → client.
 */
export interface FaultProxyOptions {
  target: { host: string; port: number };
  /** 0 (default) picks a free port. */
  listenPort?: number;
  listenHost?: string;
}

export interface FaultProxyStats {
  /** Bytes forwarded client → target. */
  upBytes: number;
  /** Bytes forwarded target → client. */
  downBytes: number;
  accepted: number;
  /** Connections closed at once because the proxy was blocked (or the target was unreachable). */
  refused: number;
  /** Connections torn down by cut() or dropMidFrame(). */
  cut: number;
}

export interface FaultProxy {
  readonly port: number;
  /** Destroys every open connection now; new ones are still accepted. */
  cut(): void;
  /** While blocked, new connections are closed immediately. */
  block(): void;
  unblock(): void;
  /** Stops forwarding in both directions without closing: the peers see silence. Bytes are held. */
  stall(): void;
  /** Forwards the held bytes and carries on. */
  resume(): void;
  /** Per-chunk latency, each way. */
  setDelay(ms: number): void;
  /** The next chunk from the target is forwarded only in part, then that connection is destroyed. */
  dropMidFrame(): void;
  connections(): number;
  stats(): FaultProxyStats;
  close(): Promise<void>;
}

interface Lane {
  from: net.Socket;
  to: net.Socket;
  queue: { chunk: Buffer; dueAt: number }[];
  timer: NodeJS.Timeout | undefined;
  down: boolean;
  ended: boolean;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  lanes: [Lane, Lane];
  closed: boolean;
}

// Above this many held bytes a lane pauses its source, so a stall cannot grow memory without bound.
const HIGH_WATER = 1 << 20;

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  const st: FaultProxyStats = { upBytes: 0, downBytes: 0, accepted: 0, refused: 0, cut: 0 };
  let blocked = false;
  let stalled = false;
  let delayMs = 0;
  let tearNext = false;

  const destroy = (p: Pair): void => {
    if (p.closed) return;
    p.closed = true;
    pairs.delete(p);
    for (const l of p.lanes) if (l.timer) clearTimeout(l.timer);
    p.client.destroy();
    p.upstream.destroy();
  };

  const queued = (l: Lane): number => l.queue.reduce((n, q) => n + q.chunk.length, 0);

  const pump = (p: Pair, l: Lane): void => {
    if (p.closed || stalled) return;
    if (l.timer) {
      clearTimeout(l.timer);
      l.timer = undefined;
    }
    const now = Date.now();
    while (l.queue.length > 0) {
      const head = l.queue[0]!;
      if (head.dueAt > now) {
        l.timer = setTimeout(() => {
          l.timer = undefined;
          pump(p, l);
        }, head.dueAt - now);
        return;
      }
      l.queue.shift();
      if (l.down && tearNext) {
        tearNext = false;
        st.cut++;
        const part = head.chunk.subarray(0, Math.max(1, Math.floor(head.chunk.length / 2)));
        st.downBytes += part.length;
        l.to.write(part, () => destroy(p));
        l.queue.length = 0;
        return;
      }
      if (l.down) st.downBytes += head.chunk.length;
      else st.upBytes += head.chunk.length;
      l.to.write(head.chunk);
    }
    if (l.ended) l.to.end();
    else if (l.from.isPaused()) l.from.resume();
  };

  const wire = (p: Pair, l: Lane): void => {
    l.from.on('data', (chunk: Buffer) => {
      l.queue.push({ chunk, dueAt: Date.now() + delayMs });
      if (queued(l) > HIGH_WATER) l.from.pause();
      if (!l.timer) pump(p, l);
    });
    l.from.on('end', () => {
      l.ended = true;
      if (!l.timer) pump(p, l);
    });
  };

  const server = net.createServer((client) => {
    client.on('error', () => {});
    if (blocked) {
      st.refused++;
      client.destroy();
      return;
    }
    st.accepted++;
    client.pause();
    const upstream = net.connect({ host: opts.target.host, port: opts.target.port });
    upstream.on('error', () => {});
    const mk = (from: net.Socket, to: net.Socket, down: boolean): Lane => ({ from, to, queue: [], timer: undefined, down, ended: false });
    const p: Pair = { client, upstream, lanes: [mk(client, upstream, false), mk(upstream, client, true)], closed: false };
    pairs.add(p);
    client.on('close', () => destroy(p));
    upstream.on('close', () => destroy(p));
    upstream.once('connect', () => {
      if (p.closed) return;
      wire(p, p.lanes[0]);
      wire(p, p.lanes[1]);
      client.resume();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listenPort ?? 0, opts.listenHost ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;

  const cutAll = (): void => {
    for (const p of [...pairs]) {
      st.cut++;
      destroy(p);
    }
  };

  return {
    port,
    cut: cutAll,
    block: () => { blocked = true; },
    unblock: () => { blocked = false; },
    stall: () => { stalled = true; },
    resume: () => {
      stalled = false;
      for (const p of [...pairs]) for (const l of p.lanes) pump(p, l);
    },
    setDelay: (ms: number) => { delayMs = Math.max(0, ms); },
    dropMidFrame: () => { tearNext = true; },
    connections: () => pairs.size,
    stats: () => ({ ...st }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        blocked = true;
        const n = st.cut;
        cutAll();
        st.cut = n;
      }),
  };
}
