import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliReference } from './cli-reference.js';

const root = process.env.KEDGE_REPO_ROOT ?? join(import.meta.dirname, '../../../..');

test('docs/cli.md is generated from the current command definitions', () => {
  const file = join(root, 'docs/cli.md');
  assert.ok(existsSync(file), 'docs/cli.md is missing: run `npm run docs:cli`');
  assert.equal(readFileSync(file, 'utf8'), cliReference(), 'docs/cli.md is stale: run `npm run docs:cli` and commit it');
});

test('the reference has a section with examples for every command', () => {
  const md = cliReference();
  for (const name of ['server', 'cloud', 'join', 'edge', 'gettoken', 'images', 'sim', 'version']) {
    assert.match(md, new RegExp(`^## kedge ${name}$`, 'm'), name);
  }
  const sections = md.split(/^## /m).slice(2);
  for (const s of sections) {
    const title = s.split('\n')[0];
    // Group commands (`kedge images`) list subcommands; leaf commands must show how to use them.
    if (/Commands:/.test(s)) continue;
    assert.match(s, /Examples:/, `${title} has no examples in --help`);
  }
});
