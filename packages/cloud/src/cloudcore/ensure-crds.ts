import { R, isAlreadyExists, isNotFound, builtinCRDs, type KubeObject } from '@kedge/api';
import { sleep, type KubeClient, type Logger } from '@kedge/core';
import { KUBEEDGE_NAMESPACE, ensureNamespace } from '../certserver/cloud-pki.js';

/**
 * What CloudCore needs in a cluster it did not set up (`kedge cloud` against any API server): namespace
 * `kubeedge` and KubeEdge's CRDs (reliablesyncs.kubeedge.io, devices.kubeedge.io). kedge's own API server
 * installs the CRDs itself, so there every create is an AlreadyExists. Then waits (bounded) until
 * ObjectSyncs can be listed, since a fresh CRD is served only once it is Established.
 */
export async function ensureCloudCoreResources(client: KubeClient, log: Logger, signal: AbortSignal, timeoutMs = 30_000): Promise<void> {
  await ensureNamespace(client, KUBEEDGE_NAMESPACE);
  for (const crd of builtinCRDs) {
    try {
      await client.create(R.customresourcedefinitions, structuredClone(crd) as KubeObject);
      log.info({ crd: crd.metadata.name }, 'created crd');
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.list(R.objectsyncs, undefined, { limit: 1 });
      await client.list(R.devices, undefined, { limit: 1 });
      return;
    } catch (err) {
      if (!isNotFound(err) || Date.now() > deadline || signal.aborted) throw err;
      await sleep(250, signal);
    }
  }
}
