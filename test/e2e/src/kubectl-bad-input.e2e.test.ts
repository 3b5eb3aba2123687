import assert from 'node:assert/strict';
import { fails, kubectlSuite, ok } from './kubectl-suite.js';
import { configMap, deployment } from './manifests.js';

const s = kubectlSuite();
const k = (args: string[], input?: string) => s.kubectl(args, { input });

s.it('apply with an unknown field under strict validation names the field and exits 1', async () => {
  const r = await k(['apply', '-f', '-'], deployment({ image: 'nginx:1.25', ports: [80], extraField: 'replicass: 2' }));
  assert.equal(r.code, 1, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, /unknown field "spec\.replicass"/);
  assert.match(fails(await k(['get', 'deploy', 'web']), 'nothing was created'), /not found/);
});

s.it('an invalid name is a 422 Invalid', async () => {
  const err = fails(await k(['create', 'cm', 'Bad_Name']), 'create cm Bad_Name');
  assert.match(err, /ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name"/);
  // The same request over plain JSON, to see the Status kubectl formatted.
  const r = await s.http.request('POST', '/api/v1/namespaces/default/configmaps', JSON.parse(configMap('Bad_Name', 'default', {})));
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.reason, 'Invalid');
  assert.equal(r.json.details?.causes?.[0]?.field, 'metadata.name', r.text);
});

s.it('replace with a stale resourceVersion is a Conflict', async () => {
  ok(await k(['create', 'cm', 'stale', '--from-literal=v=1']), 'create cm');
  const old = JSON.parse(ok(await k(['get', 'cm', 'stale', '-o', 'json']), 'get cm'));
  ok(await k(['replace', '-f', '-'], configMap('stale', 'default', { v: '2' }, old.metadata.resourceVersion)), 'first replace');
  const err = fails(await k(['replace', '-f', '-'], configMap('stale', 'default', { v: '3' }, old.metadata.resourceVersion)), 'stale replace');
  assert.match(err, /Error from server \(Conflict\)/);
  assert.match(err, /the object has been modified/);
  assert.equal(ok(await k(['get', 'cm', 'stale', '-o', 'jsonpath={.data.v}']), 'get'), '2');
});

s.it('malformed JSON via create --raw is a 400 BadRequest', async () => {
  const err = fails(await k(['create', '--raw', '/api/v1/namespaces/default/configmaps', '-f', '-'], '{"apiVersion":"v1","kind":'), 'create --raw');
  assert.match(err, /BadRequest|\b400\b/);
});

s.it('the server still serves after bad input', async () => {
  assert.match(ok(await k(['get', '--raw', '/readyz']), 'readyz'), /^ok/);
  assert.match(ok(await k(['get', 'ns', 'default']), 'get ns'), /^default\s+Active/m);
});
