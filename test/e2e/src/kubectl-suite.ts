import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import { FakeKubelet, KubeHttp, kubectlFor, kubectlSkipReason, readKubeconfig, startKedgeServer, type Kubectl, type KubectlResult, type KedgeServer } from './harness/index.js';

/** Asserts a zero exit and returns stdout; the message carries everything needed to file a bug. */
export function ok(r: KubectlResult, what: string): string {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

/** Asserts a failing exit and returns stderr. */
export function fails(r: KubectlResult, what: string): string {
  assert.notEqual(r.code, 0, `${what}: expected a failure\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stderr;
}

export interface Suite {
  server: KedgeServer;
  kubectl: Kubectl;
  http: KubeHttp;
  kubelet: FakeKubelet | undefined;
  /** A test that is skipped (with the reason printed) when kubectl is missing. */
  it(name: string, fn: (t: TestContext) => Promise<void>, timeoutMs?: number): void;
}

/**
 * One kedge server (and one isolated kubectl) for a whole test file, stopped in `after()`.
 * With `nodeName`, a fake kubelet for that node runs once the test registers the Node.
 */
export function kubectlSuite(opts: { nodeName?: string } = {}): Suite {
  const skip = kubectlSkipReason();
  const suite = { kubelet: undefined } as Suite;
  before(async () => {
    if (skip) return;
    suite.server = await startKedgeServer({ extraArgs: ['--log-level', 'warn'] });
    suite.kubectl = kubectlFor(suite.server.kubeconfig);
    suite.http = new KubeHttp(readKubeconfig(suite.server.kubeconfig));
    if (opts.nodeName) suite.kubelet = new FakeKubelet(suite.http, { nodeName: opts.nodeName });
  });
  after(async () => {
    await suite.kubelet?.stop();
    suite.http?.close();
    await suite.kubectl?.dispose();
    const code = await suite.server?.stop();
    if (suite.server) assert.equal(code, 0, `server exit code after SIGTERM: ${code}\n${suite.server.stderrTail()}`);
  });
  suite.it = (name, fn, timeoutMs = 60_000) => {
    test(name, { timeout: timeoutMs }, async (t) => {
      if (skip) { t.skip(skip); return; }
      try {
        await fn(t);
      } catch (err) {
        const extra = suite.kubelet?.errors.length ? `\nfake kubelet errors: ${suite.kubelet.errors.slice(-5).join('\n')}` : '';
        if (err instanceof Error) err.message += `${extra}\nserver stderr tail: ${suite.server.stderrTail(1500)}`;
        throw err;
      }
    });
  };
  return suite;
}
