import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import type { Kubectl } from '../harness/kubectl.js';
import { repoRoot } from '../harness/paths.js';
import { spawnKedge, terminate, type CliProc } from '../harness/proc.js';
import { waitFor } from '../harness/wait.js';

/** A docs/examples/devices YAML as an object, with `edit` applied (node name, device address). */
export function exampleManifest(file: string, edit: (obj: any) => void = () => undefined): string {
  const docs = parseAllDocuments(readFileSync(join(repoRoot, 'docs', 'examples', 'devices', file), 'utf8')).map((d) => d.toJS());
  for (const d of docs) edit(d);
  return docs.map((d) => stringify(d)).join('---\n');
}

export interface MapperProc {
  proc: CliProc;
  stop(): Promise<void>;
  logTail(): string;
}

/**
 * `kedge mapper <protocol>` registered with the edge's DMI socket (`<dataDir>/dmi.sock`), its own
 * socket in `dir`, and the REST API on a free port.
 */
export function startMapper(protocol: string, dmiSocket: string, dir: string): MapperProc {
  const proc = spawnKedge([
    'mapper', protocol,
    '--dmi-socket', dmiSocket,
    '--socket', join(dir, `${protocol}-mapper.sock`),
    '--rest-port', '0',
    '--log-level', 'debug',
  ]);
  return {
    proc,
    stop: async () => { await terminate(proc); },
    logTail: () => `mapper stdout: ${proc.out.slice(-2000)}\nmapper stderr: ${proc.err.slice(-4000)}`,
  };
}

export interface Twin {
  propertyName: string;
  reported?: { value?: string };
  observedDesired?: { value?: string };
}

/** status.twins of a Device as `kubectl get device -o json` prints it. */
export async function deviceTwins(kubectl: Kubectl, ns: string, name: string): Promise<Twin[]> {
  const r = await kubectl(['get', 'device', name, '-n', ns, '-o', 'json']);
  if (r.code !== 0) throw new Error(`kubectl get device ${ns}/${name}: ${r.stderr}`);
  return (JSON.parse(r.stdout).status?.twins ?? []) as Twin[];
}

/** Waits until `pred` holds for the device's twin of `property` (as kubectl shows it); fails at once if the mapper exits. */
export async function waitTwin(kubectl: Kubectl, ns: string, name: string, property: string, pred: (t: Twin) => boolean, what: string, mapper: MapperProc, diag: () => string, timeoutMs = 60_000): Promise<Twin> {
  let last: Twin | undefined;
  let done = false;
  const exited = mapper.proc.exit.then((code) => {
    if (!done) throw new Error(`kedge mapper exited with ${code} while waiting for ${what}`);
    return undefined as never;
  });
  try {
    return await Promise.race([waitFor(async () => {
      last = (await deviceTwins(kubectl, ns, name)).find((t) => t.propertyName === property);
      return last && pred(last) ? last : undefined;
    }, { timeoutMs, message: what }), exited]);
  } catch (err) {
    throw new Error(`${(err as Error).message}; last twin ${JSON.stringify(last)}\n${diag()}`);
  } finally {
    done = true;
  }
}
