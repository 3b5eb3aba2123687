import type { ChildProcess } from 'node:child_process';

// Last line of defence: a test whose cleanup failed (or a runner that force-exits the file) must not
// leave kedge processes holding ports and temp dirs behind. 'exit' handlers may only do sync work; kill is.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Kills `child` when the test process exits, if it is still running then. */
export function reapOnExit(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}
