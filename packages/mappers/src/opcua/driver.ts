import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '@kedge/api';
import type { Logger } from '@kedge/core';
import type { ClientSession, ClientSubscription, OPCUAClient, OPCUACertificateManager, UserIdentityInfo } from 'node-opcua';
import type { DeviceSpec, DeviceState, Driver, DriverFactory, PropertySpec, PropertyValue } from '../sdk/driver.js';
import { parseProtocolConfig, parseVisitorConfig, type OpcuaProtocolConfig, type OpcuaVisitorConfig } from './config.js';
import { fromVariant, toVariantValue } from './convert.js';

type Opcua = typeof import('node-opcua');

/** node-opcua is large (≈0.8 s to import), so it loads on first use, not when the mapper package does. */
let opcuaModule: Promise<Opcua> | undefined;
const loadOpcua = (): Promise<Opcua> => (opcuaModule ??= import('node-opcua'));

export interface OpcuaDriverOptions {
  /**
   * Folder for the client's PKI (own certificate, trusted/rejected peers). node-opcua otherwise writes
   * under the user's config dir; kedge keeps it under a data or temp dir. Default: $KEDGE_OPCUA_PKI_DIR
   * or <tmpdir>/kedge-opcua-pki. Processes may share it: node-opcua locks the folder.
   */
  pkiDir?: string;
}

/**
 * OPC UA driver (issue 5): one client + session per device; read and write by nodeId, optional
 * monitored-item subscriptions. Writes look up the node's built-in DataType once and convert the
 * twin's string to it. Connection loss fails the request in flight; the next one opens a new session.
 */
export class OpcuaDriver implements Driver {
  private readonly config: OpcuaProtocolConfig;
  private readonly visitors = new Map<string, OpcuaVisitorConfig>();
  private readonly dataTypes = new Map<string, number>();
  private client: OPCUAClient | undefined;
  private session: ClientSession | undefined;
  private subscription: Promise<ClientSubscription> | undefined;
  private lost = false;
  /** True until init() and again after stop(): no reconnecting then. */
  private stopped = true;
  private reconnecting: Promise<void> | undefined;

  constructor(private readonly device: DeviceSpec, private readonly log: Logger, private readonly options: OpcuaDriverOptions = {}) {
    this.config = parseProtocolConfig(device.protocol?.configData);
    for (const p of device.properties) this.visitors.set(p.name, parseVisitorConfig(p));
  }

  async init(signal: AbortSignal): Promise<void> {
    await this.close();
    this.stopped = false;
    await this.connect(signal);
  }

  private async connect(signal: AbortSignal): Promise<void> {
    const ua = await loadOpcua();
    signal.throwIfAborted();
    const pkiDir = this.options.pkiDir ?? process.env['KEDGE_OPCUA_PKI_DIR'] ?? join(tmpdir(), 'kedge-opcua-pki');
    const certificateManager: OPCUACertificateManager = new ua.OPCUACertificateManager({ rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: true });
    await certificateManager.initialize();
    const c = this.config;
    const client = ua.OPCUAClient.create({
      applicationName: 'kedge-opcua-mapper',
      endpointMustExist: false,
      securityMode: ua.MessageSecurityMode[c.securityMode],
      securityPolicy: ua.SecurityPolicy[c.securityPolicy],
      // The SDK owns retries with backoff; node-opcua must fail fast instead of retrying forever.
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 500 },
      transportTimeout: c.timeoutMs,
      defaultTransactionTimeout: c.timeoutMs,
      clientCertificateManager: certificateManager,
      ...(c.certificate ? { certificateFile: c.certificate, privateKeyFile: c.privateKey } : {}),
    });
    const onAbort = (): void => { void client.disconnect().catch(() => undefined); };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await client.connect(c.url);
      const identity: UserIdentityInfo = c.userName !== undefined
        ? { type: ua.UserTokenType.UserName, userName: c.userName, password: c.password ?? '' }
        : { type: ua.UserTokenType.Anonymous };
      this.session = await client.createSession(identity);
    } catch (err) {
      await client.disconnect().catch(() => undefined);
      this.session = undefined;
      signal.throwIfAborted();
      throw new ApiError('ServiceUnavailable', `opcua ${c.url}: ${c.userName !== undefined ? `session for user ${c.userName}` : 'connect'} failed: ${(err as Error).message}`, { cause: err });
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    this.client = client;
    this.lost = false;
    client.on('connection_lost', () => { this.lost = true; this.log.warn({ url: c.url }, 'opcua connection lost'); });
    client.on('connection_reestablished', () => { this.lost = false; });
    this.log.info({ url: c.url, securityPolicy: c.securityPolicy, user: c.userName ?? 'anonymous' }, 'opcua session created');
  }

  async read(property: PropertySpec): Promise<PropertyValue> {
    const { ua, session } = await this.ready();
    const v = this.visitor(property);
    const dv = await this.guard(session.read({ nodeId: v.nodeID, attributeId: ua.AttributeIds.Value }));
    if (!dv.statusCode.isGood()) throw this.statusError(property, 'read', dv.statusCode.name);
    return fromVariant(property.name, property.type, dv.value?.value);
  }

  async write(property: PropertySpec, value: string): Promise<void> {
    const { ua, session } = await this.ready();
    const v = this.visitor(property);
    let dataType = this.dataTypes.get(v.nodeID);
    if (dataType === undefined) {
      dataType = Number(await this.guard(session.getBuiltInDataType(ua.coerceNodeId(v.nodeID))));
      this.dataTypes.set(v.nodeID, dataType);
    }
    const converted = toVariantValue(property.name, dataType, value);
    const status = await this.guard(session.write({
      nodeId: v.nodeID, attributeId: ua.AttributeIds.Value,
      value: { value: new ua.Variant({ dataType, value: converted }) },
    }));
    if (!status.isGood()) throw this.statusError(property, 'write', status.name);
  }

  async subscribe(property: PropertySpec, onValue: (value: PropertyValue) => void): Promise<() => Promise<void>> {
    const { ua, session } = await this.ready();
    const v = this.visitor(property);
    this.subscription ??= session.createSubscription2({
      requestedPublishingInterval: Math.max(50, Math.min(property.collectCycleMs || 1000, 1000)),
      requestedLifetimeCount: 100, requestedMaxKeepAliveCount: 10, maxNotificationsPerPublish: 100,
      publishingEnabled: true, priority: 1,
    });
    const subscription = await this.subscription;
    const item = await subscription.monitor(
      { nodeId: v.nodeID, attributeId: ua.AttributeIds.Value },
      { samplingInterval: Math.max(10, property.collectCycleMs || 1000), discardOldest: true, queueSize: 10 },
      ua.TimestampsToReturn.Both,
    );
    item.on('changed', (dv) => {
      if (!dv.statusCode.isGood()) return;
      try {
        onValue(fromVariant(property.name, property.type, dv.value?.value));
      } catch (err) {
        this.log.warn({ err, property: property.name }, 'opcua notification not convertible');
      }
    });
    return async () => { await item.terminate().catch(() => undefined); };
  }

  async health(): Promise<DeviceState> {
    return this.session && !this.lost ? 'ok' : 'offline';
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.close();
  }

  private async close(): Promise<void> {
    const { client, session, subscription } = this;
    this.client = undefined;
    this.session = undefined;
    this.subscription = undefined;
    this.dataTypes.clear();
    if (subscription) await subscription.then((s) => s.terminate()).catch(() => undefined);
    if (session) await session.close().catch(() => undefined);
    if (client) await client.disconnect().catch(() => undefined);
  }

  private async ready(): Promise<{ ua: Opcua; session: ClientSession }> {
    const ua = await loadOpcua();
    if ((!this.session || this.lost) && !this.stopped) {
      // The server went away: open a new session here (one attempt per request, shared by concurrent
      // ones), so each collect cycle is a retry even when the SDK does not call init() again.
      this.reconnecting ??= this.close()
        .then(() => this.connect(AbortSignal.timeout(this.config.timeoutMs * 2)))
        .finally(() => { this.reconnecting = undefined; });
      await this.reconnecting;
    }
    if (!this.session || this.lost) throw new ApiError('ServiceUnavailable', `opcua ${this.config.url}: not connected`);
    return { ua, session: this.session };
  }

  private visitor(property: PropertySpec): OpcuaVisitorConfig {
    let v = this.visitors.get(property.name);
    if (!v) {
      v = parseVisitorConfig(property);
      this.visitors.set(property.name, v);
    }
    return v;
  }

  private async guard<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (err) {
      if ((err as { isApiError?: boolean }).isApiError) throw err;
      throw new ApiError('ServiceUnavailable', `opcua ${this.config.url}: ${(err as Error).message}`, { cause: err });
    }
  }

  private statusError(property: PropertySpec, op: string, status: string): ApiError {
    const v = this.visitor(property);
    const reason = status === 'BadUserAccessDenied' || status === 'BadNotWritable' ? 'Forbidden' : status === 'BadNodeIdUnknown' ? 'NotFound' : 'BadRequest';
    return new ApiError(reason, `opcua property ${property.name}: ${op} of node ${v.nodeID} failed: ${status}`);
  }
}

export function createOpcuaFactory(options: OpcuaDriverOptions = {}): DriverFactory {
  return {
    protocol: 'opcua',
    create: (device, log) => new OpcuaDriver(device, log.child({ driver: 'opcua', device: `${device.namespace}/${device.name}` }), options),
  };
}

export const opcuaFactory: DriverFactory = createOpcuaFactory();
