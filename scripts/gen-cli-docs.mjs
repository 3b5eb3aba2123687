#!/usr/bin/env node
// Rewrites docs/cli.md from the CLI's own command definitions (run after `tsc -b`).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { cliReference } = await import(join(root, 'packages/cli/dist/docs/cli-reference.js'));
writeFileSync(join(root, 'docs/cli.md'), cliReference());
console.log('docs/cli.md written');
