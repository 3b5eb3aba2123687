import { setFlagsFromString } from 'node:v8';

/** Subcommands that run EdgeCore for as long as the node lives (main.ts gives them a smaller program). */
export const EDGE_COMMANDS: ReadonlySet<string> = new Set(['edge', 'join']);

/*
 * EdgeCore's young generation stays at V8's initial 1 MB semi-spaces instead of growing to 16 MB ones
 * during startup and keeping them: 32 MB of an idle edge's RSS (docs/benchmarks.md "Edge", round 2).
 * `--max-semi-space-size` only acts at process start (setFlagsFromString is too late for it, and
 * `node main.js` bypasses a shebang), whereas the growth factor is read at every growth, so this works
 * from inside. The cost, more frequent scavenges, is negligible at an edge agent's allocation rate.
 * main.ts imports this module first, before anything else allocates.
 */
/*
 * `--optimize-for-size` (V8's setting for memory-constrained devices: slower heap growth, earlier GCs):
 * EdgeCore idle 5 s after Ready 95.1 → 82.6 MB VmRSS, settled after 30 s unchanged (round 3); idle CPU,
 * pod start and recovery showed no cost in the same harness. `--lite-mode` cannot be set this late (V8
 * aborts compiling Node's own wasm), and neither can GC or libuv thread counts (threads already started).
 */
if (EDGE_COMMANDS.has(process.argv[2] ?? '')) {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--optimize-for-size');
}
