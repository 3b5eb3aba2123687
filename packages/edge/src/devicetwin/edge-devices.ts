import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger, Module } from '@kedge/core';
import type { EdgeConfig } from '../config/index.js';
import type { EdgeLink } from '../edgehub/types.js';
import { createEventBus } from '../eventbus/index.js';
import type { MetaManager, MetaStore } from '../metamanager/index.js';
import { openSpool } from '../spool/index.js';
import { createDeviceTwin, type DeviceTwin } from './device-twin.js';

/**
 * EdgeCore's device plane: DeviceTwin, its spool and the EventBus, from the `deviceTwin` and `eventBus`
 * config sections. The twin tables and the spool live in `<dataDir>/devices.db`, not in the metadata
 * cache: telemetry bursts while offline then never contend with MetaManager's writes, and the file can
 * be removed to reset device state without losing the pod cache.
 */
const SPOOL_QUEUE_SHARE = 512;

export interface EdgeDevices {
  twin: DeviceTwin;
  modules: Module[];
  close(): void;
}

export interface EdgeDevicesOptions {
  cfg: Pick<EdgeConfig, 'dataDir' | 'eventBus' | 'deviceTwin'>;
  store: MetaStore;
  /** EdgeHub; its `stats().queued` paces spool replays so its bounded queue never overflows. */
  link: EdgeLink & { stats?: () => { queued: number } };
  meta: Pick<MetaManager, 'onObject'>;
  nodeName: string;
  log: Logger;
  out: (line: string) => void;
}

export function createEdgeDevices(o: EdgeDevicesOptions): EdgeDevices {
  const db = new Database(join(o.cfg.dataDir, 'devices.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const stats = o.link.stats?.bind(o.link);
    // Half of EdgeHub's default queue (1024, drop-oldest when full), leaving the rest to pod and node status.
    const room = stats ? () => SPOOL_QUEUE_SHARE - stats().queued : undefined;
    const spool = openSpool({ db, link: o.link, budgetBytes: o.cfg.deviceTwin.spoolBytes, defaultPolicy: o.cfg.deviceTwin.spoolPolicy, log: o.log, ...(room ? { room } : {}) });
    const twin = createDeviceTwin({ db, store: o.store, link: o.link, spool, nodeName: o.nodeName, log: o.log });
    o.meta.onObject((op, edgeType, obj) => twin.onObject(op, edgeType, obj));
    const eb = o.cfg.eventBus;
    const bus = createEventBus({
      mode: eb.mode, bind: eb.bind, port: eb.port, externalUrl: eb.externalUrl, username: eb.username, password: eb.password, target: twin, log: o.log,
      onListening: (url) => o.out(`eventbus ${eb.mode === 'external' ? 'using' : 'listening on'} ${url}`),
      // A taken 1883 (another broker, another edge on this host) must not take pods and DMI down with it.
      onListenError: (err) => o.out(err.message),
    });
    return {
      twin,
      modules: [twin, bus],
      close: () => {
        spool.close();
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
