import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeKubelet, waitFor } from '../harness/index.js';
import { issueNodeCert, rawHubClient, startCloud } from '../harness/edge-link.js';
import { chromiumSkipReason, launchChromium, screenshotDir } from './browser.js';

const NODE = 'edge-dash-1';
const DEV = '/apis/devices.kubeedge.io/v1beta1/namespaces/default/devices';

function twins(temperature: string, at: number) {
  return [{ propertyName: 'temperature', reported: { value: temperature, metadata: { timestamp: String(at), type: 'float' } } }];
}

test('dashboard: fleet shows the node Ready, device twins update live, a desired value set in the page reaches the API', { timeout: 180_000 }, async (t) => {
  const skip = chromiumSkipReason();
  if (skip) { t.skip(skip); return; }
  const cloud = await startCloud({ t });
  const token = readFileSync(join(cloud.dataDir, 'pki', 'admin.token'), 'utf8').trim();
  const http = cloud.kube;
  const server = { get url() { return cloud.apiUrl; } };

  // A node played by the fake kubelet (Ready condition + Lease), as a joined edge would report it.
  const created = await http.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE, labels: { 'node-role.kubernetes.io/edge': '' } } });
  assert.equal(created.status, 201, created.text);
  const kubelet = new FakeKubelet(http, { nodeName: NODE, heartbeatMs: 2_000 });
  kubelet.start();
  t.after(() => kubelet.stop());

  const model = await http.request('POST', '/apis/devices.kubeedge.io/v1beta1/namespaces/default/devicemodels', {
    apiVersion: 'devices.kubeedge.io/v1beta1', kind: 'DeviceModel', metadata: { name: 'thermometer' },
    spec: { protocol: 'virtual', properties: [{ name: 'temperature', type: 'FLOAT', accessMode: 'ReadWrite', unit: 'C' }] },
  });
  assert.equal(model.status, 201, model.text);
  const dev = await http.request('POST', DEV, {
    apiVersion: 'devices.kubeedge.io/v1beta1', kind: 'Device', metadata: { name: 'thermo-1' },
    spec: { deviceModelRef: { name: 'thermometer' }, nodeName: NODE, protocol: { protocolName: 'virtual' }, properties: [{ name: 'temperature', desired: { value: '20' }, reportCycle: 1000 }] },
  });
  assert.equal(dev.status, 201, dev.text);
  // v1beta1 Device has no status subresource: status is written with a plain update, as mappers do.
  const writeStatus = async (temperature: string) => {
    for (;;) {
      const cur = (await http.get(`${DEV}/thermo-1`)).json;
      cur.status = { ...cur.status, state: 'online', lastOnlineTime: new Date().toISOString(), twins: twins(temperature, Date.now()), extensions: { spool: { buffered: 2, bufferedBytes: 64, dropped: 1 } } };
      const r = await http.request('PUT', `${DEV}/thermo-1`, cur);
      if (r.status === 200) return;
      if (r.status !== 409) throw new Error(`status update: ${r.status} ${r.text}`);
    }
  };
  await writeStatus('21.5');

  // The node's CloudHub session: a WebSocket with a certificate from the certificate server, as EdgeHub dials.
  const certDir = mkdtempSync(join(tmpdir(), 'kedge-dash-certs-'));
  t.after(() => rmSync(certDir, { recursive: true, force: true }));
  const certs = await issueNodeCert(cloud.certServerUrl, await cloud.getToken(), NODE, certDir);
  const hub = rawHubClient({ address: cloud.hubAddress, certs, nodeId: NODE });
  t.after(() => hub.close());
  await hub.opened;

  const shots = screenshotDir();
  t.diagnostic(`screenshots in ${shots}`);
  const browser = await launchChromium();
  t.after(() => browser.close());
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));

  // Fleet: the token from the fragment signs in and leaves the address bar.
  await page.goto(`${server.url}/dashboard/#token=${encodeURIComponent(token)}`);
  const row = page.locator('.vrow', { hasText: NODE });
  await row.locator('.badge', { hasText: 'Ready' }).waitFor({ timeout: 30_000 });
  assert.ok(!page.url().includes(token), `token still in the URL: ${page.url()}`);
  assert.equal(await row.locator('.version').textContent(), 'v1.32.4-fake');
  await row.locator('.link.online', { hasText: 'connected' }).waitFor({ timeout: 10_000 });
  assert.match(await row.locator('svg.timeline').getAttribute('aria-label') ?? '', /^Connected \d+s of the last hour$/);
  await page.screenshot({ path: join(shots, 'fleet.png') });

  // Search narrows the list; a filter that excludes the node empties it.
  await page.getByLabel('Search').fill('no-such-node');
  await waitFor(async () => (await page.locator('.vrow').count()) === 0, { message: 'search to hide the node' });
  await page.getByLabel('Search').fill('dash');
  await row.waitFor();

  // Node view.
  await row.locator('a.name').click();
  await page.locator('h1', { hasText: NODE }).waitFor();
  await page.locator('table th', { hasText: 'Ready' }).waitFor();
  await page.getByText('connected since').waitFor();

  // Devices: reported value, then a live change written through the API.
  await page.goto(`${server.url}/dashboard/#/devices`);
  const tempRow = page.locator('article[data-device="default/thermo-1"] tr[data-prop="temperature"]');
  await tempRow.locator('td.reported', { hasText: '21.5' }).waitFor({ timeout: 20_000 });
  assert.equal(await tempRow.locator('td.desired').textContent(), '20');
  assert.match(await page.locator('article[data-device="default/thermo-1"] .facts-line').textContent() ?? '', /State: online.*buffered 2 \(64 B\).*dropped 1/);
  await writeStatus('23.25');
  await tempRow.locator('td.reported', { hasText: '23.25' }).waitFor({ timeout: 20_000 });
  await page.screenshot({ path: join(shots, 'devices.png'), fullPage: true });

  // Set a desired value through the page: the Device's spec in the API changes.
  await tempRow.getByLabel('Desired value of temperature on thermo-1').fill('30');
  await tempRow.getByRole('button', { name: 'Set' }).click();
  await waitFor(async () => (await http.get(`${DEV}/thermo-1`)).json.spec.properties[0].desired.value === '30', { message: 'desired value 30 in the API' })
    .catch(async (err: Error) => { throw new Error(`${err.message}; page says: ${await tempRow.locator('.save-status').textContent()}`); });
  await tempRow.locator('td.desired', { hasText: '30' }).waitFor();
  const after = (await http.get(`${DEV}/thermo-1`)).json;
  assert.equal(after.spec.properties[0].reportCycle, 1000, 'the rest of the property list is kept');

  // Closing the node's session shows up live in the fleet view (CloudHub → tracker → SSE).
  await page.goto(`${server.url}/dashboard/#/fleet`);
  await row.locator('.link.online').waitFor();
  hub.close();
  await row.locator('.link.offline', { hasText: 'disconnected' }).waitFor({ timeout: 15_000 });

  // Events view renders the cluster's events, and the phone layout stays usable.
  await page.goto(`${server.url}/dashboard/#/events`);
  await page.locator('h1', { hasText: 'Events' }).waitFor();
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(`${server.url}/dashboard/#/fleet`);
  await row.waitFor();
  await page.screenshot({ path: join(shots, 'fleet-phone.png') });
  assert.deepEqual(consoleErrors, []);

  // A bad token gets the sign-in form with a clear message.
  const other = await context.newPage();
  await other.goto(`${server.url}/dashboard/#token=not-a-token`);
  await other.getByText('The access token was refused').waitFor();
  await other.getByLabel('Access token').waitFor();
  await other.screenshot({ path: join(shots, 'signin.png') });
});

test('dashboard: the fleet list stays virtualised with 5,000 nodes', { timeout: 240_000 }, async (t) => {
  const skip = chromiumSkipReason();
  if (skip) { t.skip(skip); return; }
  const cloud = await startCloud({ t });
  const token = readFileSync(join(cloud.dataDir, 'pki', 'admin.token'), 'utf8').trim();
  const N = 5_000;
  const name = (i: number) => `scale-${String(i).padStart(4, '0')}`;
  const created = Date.now();
  for (let i = 0; i < N; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, N - i) }, async (_, j) => {
      const r = await cloud.kube.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: name(i + j) } });
      if (r.status !== 201) throw new Error(`create ${name(i + j)}: ${r.status} ${r.text}`);
    }));
  }
  t.diagnostic(`created ${N} nodes in ${Date.now() - created} ms`);

  const browser = await launchChromium();
  t.after(() => browser.close());
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const opened = Date.now();
  await page.goto(`${cloud.apiUrl}/dashboard/#token=${encodeURIComponent(token)}`);
  await page.getByText(`${N} shown · ${N} nodes`).waitFor({ timeout: 60_000 });
  t.diagnostic(`fleet of ${N} listed in ${Date.now() - opened} ms`);
  const rendered = await page.locator('.vrow').count();
  assert.ok(rendered > 5 && rendered < 80, `rendered rows: ${rendered}`);
  // Scrolling to the end renders the last nodes (and still only a window of rows).
  await page.locator('.vlist').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.locator('.vrow', { hasText: name(N - 1) }).waitFor();
  assert.ok((await page.locator('.vrow').count()) < 80);
  // Keyboard: focus a row's link and move with the arrow keys.
  await page.locator('.vrow a.name', { hasText: name(N - 1) }).focus();
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.locator(':focus').textContent(), name(N - 2));
  await page.getByLabel('Search').fill('scale-4321');
  await page.getByText(`1 shown · ${N} nodes`).waitFor();
  assert.equal(await page.locator('.vrow').count(), 1);
});
