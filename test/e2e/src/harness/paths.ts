import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repo root: src/harness and dist/harness sit at the same depth, so this works from tsx and from dist. */
export const repoRoot = process.env.KEDGE_REPO_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

export const cliMain = join(repoRoot, 'packages', 'cli', 'dist', 'main.js');

