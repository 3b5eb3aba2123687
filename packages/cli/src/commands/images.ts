import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { DEFAULT_BUSYBOX_IMAGE, DEFAULT_CONTAINERD_SOCKET, DEFAULT_PAUSE_IMAGE, buildTestImages, importImage } from '@kedge/edge/images/index.js';
import type { CliIO } from '../io.js';

interface SocketFlags { containerdSocket: string; namespace: string; snapshotter?: string }

const socketHelp = `containerd socket (default ${DEFAULT_CONTAINERD_SOCKET})`;
const snapshotterHelp = "snapshotter to unpack into; must match the CRI plugin's (containerd default: overlayfs)";

function importCommand(io: CliIO): Command {
  return new Command('import')
    .description("load an OCI-layout or docker-archive tarball into containerd's k8s.io namespace (no registry needed)")
    .argument('<file.tar>', 'image archive (docker save, skopeo/buildah oci-archive, kedge images build-test)')
    .option('--containerd-socket <path>', socketHelp, DEFAULT_CONTAINERD_SOCKET)
    .option('-n, --namespace <ns>', 'containerd namespace (the CRI plugin uses k8s.io)', 'k8s.io')
    .option('--snapshotter <name>', snapshotterHelp)
    .addHelpText('after', `
Examples:
  kedge images import busybox.tar
  docker save nginx:1.27 -o nginx.tar && kedge images import nginx.tar
  kedge images import app.tar --containerd-socket /var/lib/kedge/edge/containerd/containerd.sock
`)
    .action(async (file: string, flags: SocketFlags) => {
      const names = await importImage({ tarball: resolve(file), containerdSocket: flags.containerdSocket, namespace: flags.namespace, snapshotter: flags.snapshotter });
      for (const n of names) io.out(`imported ${n}`);
      if (!names.length) io.out(`imported ${file} (the archive names no image)`);
    });
}

interface BuildFlags extends SocketFlags { out: string; import?: boolean; busyboxName: string; pauseName: string; busybox?: string }

function buildTestCommand(io: CliIO): Command {
  return new Command('build-test')
    .description("build tiny busybox and pause images from Debian's busybox-static (writes busybox.tar and pause.tar)")
    .option('--out <dir>', 'directory for busybox.tar and pause.tar', '.')
    .option('--import', 'also import both into containerd')
    .option('--containerd-socket <path>', socketHelp, DEFAULT_CONTAINERD_SOCKET)
    .option('-n, --namespace <ns>', 'containerd namespace (the CRI plugin uses k8s.io)', 'k8s.io')
    .option('--snapshotter <name>', snapshotterHelp)
    .option('--busybox-name <ref>', 'name of the busybox image', DEFAULT_BUSYBOX_IMAGE)
    .option('--pause-name <ref>', 'name of the sandbox (pause) image', DEFAULT_PAUSE_IMAGE)
    .option('--busybox <path>', 'static busybox binary to copy (default /bin/busybox from busybox-static)')
    .addHelpText('after', `
Examples:
  kedge images build-test --out /tmp/images
  kedge images build-test --import            # into /run/containerd/containerd.sock, namespace k8s.io
  kedge images build-test --import --containerd-socket /var/lib/kedge/edge/containerd/containerd.sock

The pause image (${DEFAULT_PAUSE_IMAGE}) is kedge's default sandbox image; pods then start with no registry.
`)
    .action(async (flags: BuildFlags) => {
      const dir = resolve(flags.out);
      mkdirSync(dir, { recursive: true });
      const built = await buildTestImages(dir, { busybox: flags.busyboxName, pause: flags.pauseName, busyboxBinary: flags.busybox });
      for (const img of [built.busybox, built.pause]) io.out(`wrote ${img.file} (${img.name}, ${img.manifest.digest})`);
      if (!flags.import) return;
      for (const img of [built.busybox, built.pause]) {
        const names = await importImage({ tarball: img.file, containerdSocket: flags.containerdSocket, namespace: flags.namespace, snapshotter: flags.snapshotter });
        for (const n of names) io.out(`imported ${n}`);
      }
    });
}

/** Passes the program's settings (exitOverride, output) on to subcommands, which addCommand does not do. */
class ParentCommand extends Command {
  override copyInheritedSettings(source: Command): this {
    super.copyInheritedSettings(source);
    for (const sub of this.commands) sub.copyInheritedSettings(this);
    return this;
  }
}

export function imagesCommand(io: CliIO): Command {
  const cmd = new ParentCommand('images')
    .description('local container images for edges without a registry: import tarballs, build test images')
    .addHelpText('after', `
Examples:
  kedge images import busybox.tar
  kedge images build-test --out ./images --import
`);
  return cmd.addCommand(importCommand(io)).addCommand(buildTestCommand(io));
}
