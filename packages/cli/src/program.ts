import { Command } from 'commander';
import type { CliIO } from './io.js';
import { rootCommand } from './root-command.js';
import { serverCommand } from './commands/server.js';
import { simCommand } from './commands/sim.js';
import { versionCommand } from './commands/version.js';
import { cloudCommand } from './commands/cloud.js';
import { gettokenCommand } from './commands/gettoken.js';
import { joinCommand } from './commands/join.js';
import { edgeCommand } from './commands/edge.js';
import { imagesCommand } from './commands/images.js';
import { ctlCommand } from './commands/ctl.js';
import { resetCommand } from './commands/reset.js';
import { upCommand } from './commands/up.js';
import { mapperCommand } from './commands/mapper.js';

/** The `kedge` command tree. Parse errors surface as CommanderErrors (exitOverride) for main to map. */
export function createProgram(io: CliIO, onForce: (why: string) => void): Command {
  const program = rootCommand(io)
    .addHelpText('after', `
Examples:
  kedge up                          # a whole local edge cluster: control plane, edge node, demo device, dashboard
  kedge server                      # API on https://127.0.0.1:6443, CloudHub on :10000, joins on :10002, state in ./data
  kedge server --port 0 --cloudhub-port 0 --certserver-port 0 --storage memory
  kedge gettoken                    # join token for edge nodes
  kedge join --cloud HOST:10000 --token TOKEN --node-name edge-1
  kedge edge --config ./edge-data/edge.yaml
  kedge cloud --kubeconfig kc.yaml  # CloudCore alone against any cluster
  kedge images import app.tar       # load an image archive into containerd (no registry)
  kedge version

Run 'kedge <command> --help' for a command's flags.`);
  // addCommand (unlike .command()) does not inherit exitOverride and output settings by itself; nested
  // commands (`ctl get pods`, `images import`) need them too, or their errors bypass exit code 2.
  const inherit = (parent: Command, cmd: Command): void => {
    cmd.copyInheritedSettings(parent);
    for (const sub of cmd.commands) inherit(cmd, sub);
  };
  for (const cmd of [upCommand(io, onForce), serverCommand(io, onForce), cloudCommand(io, onForce), gettokenCommand(io), joinCommand(io, onForce), edgeCommand(io, onForce), simCommand(io, onForce), imagesCommand(io), ctlCommand(io), mapperCommand(io, onForce), resetCommand(io), versionCommand(io)]) {
    program.addCommand(cmd);
    inherit(program, cmd);
  }
  return program;
}
