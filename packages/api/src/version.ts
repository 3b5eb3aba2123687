/** kedge's own version; also reported in /version's `gitVersion` suffix. */
export const KEDGE_VERSION = '0.1.0';
/** The Kubernetes version the embedded API server claims to be (kubectl's dispatcher keys on its minor). */
export const KUBE_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.4' } as const;
