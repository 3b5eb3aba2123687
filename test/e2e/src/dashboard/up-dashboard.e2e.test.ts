import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { kubectlFor, waitFor } from '../harness/index.js';
import { runKedge, spawnKedge, waitForLines } from '../harness/proc.js';
import { chromiumSkipReason, launchChromium, screenshotDir } from './browser.js';

// Issue 6: the dashboard of a `kedge up` cluster, opened with the printed link, shows the demo node Ready
// and the demo twin changing, and a desired value set in the page reaches the real device: the virtual
// mapper writes it and the reported value in the Device status follows (page → API → DeviceController →
// CloudHub → EdgeCore → DMI → mapper → DeviceTwin → cloud → status).

const FREE = ['--port', '0', '--cloudhub-port', '0', '--certserver-port', '0', '--tunnel-port', '0', '--metaserver-port', '0', '--mqtt-port', '0', '--mapper-port', '0', '--edge-metrics-port', '0'];

type Twin = { propertyName: string; reported?: { value: string }; observedDesired?: { value: string } };

test('dashboard on kedge up: demo node Ready, live demo twin, a desired setpoint reaches the device status', { timeout: 300_000 }, async (t) => {
  const skip = chromiumSkipReason();
  if (skip) { t.skip(skip); return; }
  const dataDir = mkdtempSync(join(tmpdir(), 'kedge-up-dash-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const up = spawnKedge(['up', '--data-dir', dataDir, ...FREE]);
  t.after(async () => {
    if (!up.exited()) {
      up.child.kill('SIGINT');
      await Promise.race([up.exit, new Promise((r) => setTimeout(r, 60_000))]);
    }
    await runKedge(['reset', '--data-dir', dataDir, '--force'], 120_000);
  });
  const [kubeconfig, link] = await waitForLines(up, [/export KUBECONFIG=(\S+)/, /dashboard: (\S+)/], 180_000, 'kedge up');
  const kubectl = kubectlFor(kubeconfig!, t);
  const twins = async (): Promise<Twin[]> => {
    const r = await kubectl(['get', 'device', 'demo-thermometer', '-o', 'json']);
    return (JSON.parse(r.stdout) as { status?: { twins?: Twin[] } }).status?.twins ?? [];
  };

  const shots = screenshotDir();
  t.diagnostic(`screenshots in ${shots}`);
  const browser = await launchChromium();
  t.after(() => browser.close());
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => consoleErrors.push(e.message));

  // The printed link signs in (token in the fragment) and the fleet shows the demo node Ready and connected.
  await page.goto(link!);
  const node = page.locator('.vrow', { hasText: 'edge-1' });
  await node.locator('.badge', { hasText: 'Ready' }).waitFor({ timeout: 60_000 });
  await node.locator('.link.online', { hasText: 'connected' }).waitFor({ timeout: 30_000 });

  // The demo twin changes live in the Devices view.
  await page.goto(link!.replace(/#.*$/, '#/devices'));
  const temp = page.locator('article[data-device="default/demo-thermometer"] tr[data-prop="temperature"] td.reported');
  await temp.waitFor({ timeout: 60_000 });
  const seen = new Set<string>();
  await waitFor(async () => {
    const v = (await temp.textContent())?.trim();
    if (v) seen.add(v);
    return seen.size >= 2;
  }, { timeoutMs: 60_000, intervalMs: 500, message: 'the temperature shown in the page changes' });
  await page.screenshot({ path: join(shots, 'up-devices.png'), fullPage: true });

  // A desired setpoint set in the page reaches the device: the mapper applies it and reports it back.
  const setpoint = page.locator('article[data-device="default/demo-thermometer"] tr[data-prop="setpoint"]');
  await setpoint.getByLabel('Desired value of setpoint on demo-thermometer').fill('27.5');
  await setpoint.getByRole('button', { name: 'Set' }).click();
  await waitFor(async () => {
    const s = (await twins()).find((x) => x.propertyName === 'setpoint');
    return s?.reported?.value !== undefined && Number(s.reported.value) === 27.5;
  }, { timeoutMs: 90_000, intervalMs: 1000, message: 'setpoint 27.5 reported by the device in status.twins' });
  await setpoint.locator('td.reported', { hasText: '27.5' }).waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(shots, 'up-setpoint.png'), fullPage: true });
  assert.deepEqual(consoleErrors, []);
});
