import { readdirSync, readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import { KEDGE_VERSION, KUBE_VERSION } from '@kedge/api';

/** What the node reports about its host; probed on every status report (all reads are cheap). */
export interface HostFacts {
  hostname: string;
  cpuCores: number;
  memoryBytes: number;
  /** Bytes available to the kernel's page allocator without swapping (MemAvailable); undefined where unknown. */
  memoryAvailableBytes?: number;
  diskBytes: number;
  diskAvailableBytes: number;
  /** Processes running and the kernel's limit; undefined off Linux. */
  pids?: { used: number; max: number };
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  operatingSystem: string;
  architecture: string;
  internalIP?: string;
  /** `<runtime>://<version>` of the container runtime Edged uses (e.g. containerd://1.6.20); empty without one. */
  containerRuntimeVersion?: string;
}

export type HostProbe = (dataDir: string) => HostFacts;

const readTrim = (path: string): string => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
};

// Go's GOARCH names, which kube labels and nodeInfo use.
const GOARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: os.endianness() === 'LE' ? 'ppc64le' : 'ppc64', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsle' };
export const goArch = (arch: string = process.arch): string => GOARCH[arch] ?? arch;

function osImage(): string {
  const text = readTrim('/etc/os-release');
  const m = /^PRETTY_NAME=(.*)$/m.exec(text);
  if (m) return m[1]!.replace(/^["']|["']$/g, '');
  return `${os.type()} ${os.release()}`;
}

function memAvailable(): number | undefined {
  const m = /^MemAvailable:\s+(\d+) kB$/m.exec(readTrim('/proc/meminfo'));
  return m ? Number(m[1]) * 1024 : undefined;
}

function pidUsage(): { used: number; max: number } | undefined {
  const max = Number(readTrim('/proc/sys/kernel/pid_max'));
  if (!max) return undefined;
  try {
    return { used: readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length, max };
  } catch {
    return undefined;
  }
}

/** The first non-internal IPv4 address, in interface order (kubelet picks the default-route one; this is the cheap approximation). */
export function firstIPv4(): string | undefined {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

export const probeHost: HostProbe = (dataDir) => {
  let diskBytes = 0;
  let diskAvailableBytes = 0;
  try {
    const s = statfsSync(dataDir);
    diskBytes = s.bsize * s.blocks;
    diskAvailableBytes = s.bsize * s.bavail;
  } catch {
    // dataDir missing: report no ephemeral storage rather than fail the status report.
  }
  const avail = memAvailable();
  const pids = pidUsage();
  const ip = firstIPv4();
  return {
    hostname: os.hostname().toLowerCase(),
    cpuCores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    ...(avail !== undefined ? { memoryAvailableBytes: avail } : {}),
    diskBytes,
    diskAvailableBytes,
    ...(pids ? { pids } : {}),
    machineID: readTrim('/etc/machine-id'),
    // Readable by root only on most distributions; kubelet reports '' in the same case.
    systemUUID: readTrim('/sys/class/dmi/id/product_uuid').toLowerCase(),
    bootID: readTrim('/proc/sys/kernel/random/boot_id'),
    kernelVersion: os.release(),
    osImage: osImage(),
    operatingSystem: process.platform === 'win32' ? 'windows' : process.platform,
    architecture: goArch(),
    ...(ip ? { internalIP: ip } : {}),
  };
};

/** Like edged's `v1.32.10-kubeedge-<ver>`: the Kubernetes version it speaks, then who is speaking. */
export const kubeletVersion = (): string => `${KUBE_VERSION.gitVersion}-kedge-${KEDGE_VERSION}`;
