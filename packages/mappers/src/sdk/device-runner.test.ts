import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { silentLogger } from '@kedge/core';
import { waitFor } from '@kedge/core/testing/harness.js';
import type { DeviceSettings } from './device-spec.js';
import { DeviceRunner, type Reporter } from './device-runner.js';
import type { DeviceSpec, DeviceState, Driver, DriverFactory, PropertySpec } from './driver.js';
import { Pusher } from './push.js';

/** A device whose reads fail while `failing` is set; counts every init/stop the SDK makes. */
function flakyDevice() {
  const dev = { failing: false, inits: 0, stops: 0, value: 0 };
  const factory: DriverFactory = {
    protocol: 'flaky',
    create: (_spec: DeviceSpec): Driver => ({
      async init() { dev.inits++; },
      async read() {
        if (dev.failing) throw new Error('device does not answer');
        return ++dev.value;
      },
      async write() { /* read-only test device */ },
      async health(): Promise<DeviceState> { return 'ok'; },
      async stop() { dev.stops++; },
    }),
  };
  return { dev, factory };
}

const prop: PropertySpec = {
  name: 'count', type: 'INT', accessMode: 'ReadOnly', visitors: { protocolName: 'flaky', configData: {} },
  collectCycleMs: 20, reportCycleMs: 50, reportToCloud: true,
};
const settings: DeviceSettings = {
  spec: { namespace: 'default', name: 'd1', protocol: { protocolName: 'flaky', configData: {} }, properties: [prop] },
  modelName: 'm', stateReport: { reportToCloud: false, reportCycleMs: 1000 }, skipped: [],
};

/** Records what EdgeCore would get; `refuse` makes twin reports fail like the DMI rate limit does. */
function recordingReporter() {
  const got = { twins: [] as string[], states: [] as DeviceState[], refuse: 0, refused: 0 };
  const reporter: Reporter = {
    async twins(_ns, _name, twins) {
      if (got.refuse > 0) {
        got.refuse--;
        got.refused++;
        throw Object.assign(new Error('too many requests'), { code: status.RESOURCE_EXHAUSTED });
      }
      for (const t of twins) if (t.reported) got.twins.push(t.reported.value);
    },
    async state(_ns, _name, s) { got.states.push(s); },
  };
  return { got, reporter };
}

describe('DeviceRunner', () => {
  it('stops and re-inits the driver after 3 consecutive failed reads, reporting unhealthy meanwhile', async () => {
    const { dev, factory } = flakyDevice();
    const { got, reporter } = recordingReporter();
    const log = silentLogger();
    const r = new DeviceRunner(settings, factory, reporter, new Pusher(log), log, { initialMs: 30, maxMs: 100, readFailures: 3 });
    r.start();
    try {
      await waitFor(() => got.twins.length > 0 && got.states.includes('ok'), 'first report and state ok');
      assert.equal(dev.inits, 1);
      dev.failing = true;
      await waitFor(() => got.states.includes('unhealthy'), 'unhealthy after repeated read failures');
      assert.equal(dev.stops, 1, 'the SDK stopped the driver');
      assert.equal(r.reconnects, 1);
      // Still failing: every new session ends after 3 failed reads, with backoff between the inits.
      await waitFor(() => dev.inits >= 3, 'init again with backoff');
      dev.failing = false;
      const before = got.twins.length;
      await waitFor(() => got.twins.length > before && got.states.at(-1) === 'ok', 'reads and reports resume, state ok');
      assert.deepEqual(got.states.slice(0, 3), ['ok', 'unhealthy', 'ok']);
    } finally {
      await r.stop();
    }
    assert.equal(dev.stops, dev.inits, 'every init is matched by a stop');
  });

  it('resends the latest value on the next cycle after EdgeCore refuses a report (RESOURCE_EXHAUSTED)', async () => {
    const { factory } = flakyDevice();
    const { got, reporter } = recordingReporter();
    got.refuse = 2;
    const log = silentLogger();
    // A 60 s reportCycle: the report loop ticks every second, so only a resend (not the next regular cycle)
    // can deliver within the wait.
    const slow: DeviceSettings = { ...settings, spec: { ...settings.spec, properties: [{ ...prop, reportCycleMs: 60_000 }] } };
    const r = new DeviceRunner(slow, factory, reporter, new Pusher(log), log, { initialMs: 30, maxMs: 100 });
    r.start();
    try {
      await waitFor(() => got.twins.length > 0, 'a report accepted after the refusals', 8000);
      assert.equal(got.refused, 2);
      assert.equal(r.reportFailures, 2);
      // The resend carries the latest reading, not the one refused first (reads go on every 20 ms).
      assert.ok(Number(got.twins[0]) > 10, `resent value ${got.twins[0]} is a fresh reading`);
    } finally {
      await r.stop();
    }
  });
});
