// Edged's container probes (issue 4): liveness, readiness and startup with exec, httpGet and tcpSocket handlers.
export { createProbeManager, probeTitle, type ProbeManager, type ProbeManagerOptions, type ProbeContainer, type ProbeResults, type ProbeKind } from './probe-manager.js';
export { runProbe, type ProbeSpec, type ProbeTarget, type ProbeOutcome } from './handlers.js';
