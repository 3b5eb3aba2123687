export { startKedgeServer, type KedgeServer, type StartOptions } from './server.js';
export { kubectlFor, findKubectl, kubectlSkipReason, type Kubectl, type KubectlResult, type KubectlOptions, type KubectlStream } from './kubectl.js';
export { waitFor, sleep, type WaitOptions } from './wait.js';
export { KubeHttp, readKubeconfig, type KubeConn, type KubeResponse, type WatchEvent, type WatchHandle } from './kube-http.js';
export { FakeKubelet, type FakeKubeletOptions } from './fake-kubelet.js';
export { repoRoot, cliMain } from './paths.js';
