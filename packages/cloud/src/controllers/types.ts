import type { KubeClient } from '@kedge/core';
import type { EventRecorder, InformerFactory } from '@kedge/core';
import type { Logger } from 'pino';

/** What every controller gets injected (no globals). */
export interface ControllerDeps {
  client: KubeClient;
  informers: InformerFactory;
  log: Logger;
  recorder: EventRecorder;
  /** Injectable clock so tests can move time. */
  now?: () => number;
}
