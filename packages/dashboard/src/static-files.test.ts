import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { contentType, defaultRoots, resolveAsset } from './static-files.js';

test('paths map to the assets and compiled scripts', () => {
  assert.equal(resolveAsset(''), join(defaultRoots.assets, 'index.html'));
  assert.equal(resolveAsset('app.css'), join(defaultRoots.assets, 'app.css'));
  assert.equal(resolveAsset('js/main.js'), join(defaultRoots.scripts, 'main.js'));
  assert.equal(resolveAsset('js/views/fleet.js'), join(defaultRoots.scripts, 'views', 'fleet.js'));
});

test('traversal and odd paths are refused', () => {
  for (const p of ['../package.json', 'js/../../src/index.ts', '..%2F..%2Fpackage.json', '%2e%2e/x.js', 'js/..%2f..%2fdist%2findex.js',
    '/etc/passwd.html', 'a//b.css', '.hidden.css', 'js/%00.js', 'a\\..\\b.css', 'js/', '%zz.css', 'js/main.d.ts', 'index.html.bak']) {
    assert.equal(resolveAsset(p), undefined, p);
  }
});

test('content types', () => {
  assert.equal(contentType('x/index.html'), 'text/html; charset=utf-8');
  assert.equal(contentType('main.js'), 'text/javascript; charset=utf-8');
  assert.equal(contentType('app.css'), 'text/css; charset=utf-8');
  assert.equal(contentType('icon.svg'), 'image/svg+xml');
});
