import { ApiError } from '@kedge/api';
import type { PropertySpec } from '../sdk/driver.js';

/**
 * Device and visitor configData of KubeEdge's OPC UA mapper (v1alpha2 `protocol.opcua{url, userName,
 * password, securityPolicy, securityMode, certificate, privateKey, timeout}` and visitor `opcua{nodeID,
 * browseName}`, carried as `configData` in v1beta1).
 */

export const SECURITY_POLICIES = ['None', 'Basic128Rsa15', 'Basic256', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;
export const SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;
export type SecurityPolicyName = (typeof SECURITY_POLICIES)[number];
export type SecurityModeName = (typeof SECURITY_MODES)[number];

export interface OpcuaProtocolConfig {
  url: string;
  securityPolicy: SecurityPolicyName;
  securityMode: SecurityModeName;
  /** Absent = anonymous. */
  userName?: string;
  password?: string;
  /** Client certificate / private key PEM files (needed only with a policy other than None). */
  certificate?: string;
  privateKey?: string;
  /** Connect and per-request timeout in ms. */
  timeoutMs: number;
}

export interface OpcuaVisitorConfig {
  nodeID: string;
  browseName?: string;
}

function invalid(field: string, message: string): ApiError {
  return new ApiError('Invalid', `opcua ${field}: ${message}`);
}

function str(data: Record<string, unknown>, key: string, field: string): string | undefined {
  const raw = data[key];
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string' && typeof raw !== 'number') throw invalid(field, `must be a string, got ${JSON.stringify(raw)}`);
  return String(raw);
}

/** Accepts a policy name or its URI (http://opcfoundation.org/UA/SecurityPolicy#Name), like node-opcua does. */
function policy(raw: string | undefined): SecurityPolicyName {
  if (raw === undefined) return 'None';
  const name = raw.includes('#') ? raw.slice(raw.lastIndexOf('#') + 1) : raw;
  const found = SECURITY_POLICIES.find((p) => p.toLowerCase() === name.toLowerCase());
  if (!found) throw invalid('protocol.configData.securityPolicy', `must be one of ${SECURITY_POLICIES.join(', ')}, got ${JSON.stringify(raw)}`);
  return found;
}

export function parseProtocolConfig(configData: Record<string, unknown> | undefined): OpcuaProtocolConfig {
  const data = configData ?? {};
  const url = str(data, 'url', 'protocol.configData.url');
  if (!url) throw invalid('protocol.configData.url', 'is required (e.g. opc.tcp://host:4840/UA/Server)');
  if (!/^opc\.tcp:\/\/[^/:]+(:\d+)?(\/.*)?$/.test(url)) throw invalid('protocol.configData.url', `must be an opc.tcp:// endpoint URL, got ${JSON.stringify(url)}`);
  const securityPolicy = policy(str(data, 'securityPolicy', 'protocol.configData.securityPolicy'));
  const modeRaw = str(data, 'securityMode', 'protocol.configData.securityMode');
  const securityMode = modeRaw === undefined
    ? (securityPolicy === 'None' ? 'None' : 'SignAndEncrypt')
    : SECURITY_MODES.find((m) => m.toLowerCase() === modeRaw.toLowerCase());
  if (!securityMode) throw invalid('protocol.configData.securityMode', `must be one of ${SECURITY_MODES.join(', ')}, got ${JSON.stringify(modeRaw)}`);
  if ((securityMode === 'None') !== (securityPolicy === 'None')) {
    throw invalid('protocol.configData.securityMode', `securityMode ${securityMode} does not fit securityPolicy ${securityPolicy} (None goes with None)`);
  }
  const userName = str(data, 'userName', 'protocol.configData.userName');
  const password = str(data, 'password', 'protocol.configData.password');
  if (userName === undefined && password !== undefined) throw invalid('protocol.configData.userName', 'is required when password is set');
  const t = data['timeout'];
  const timeout = t === undefined || t === null || t === '' ? 5000 : Number(t);
  if (!Number.isFinite(timeout) || timeout <= 0) throw invalid('protocol.configData.timeout', `must be a positive number of milliseconds, got ${JSON.stringify(t)}`);
  const cfg: OpcuaProtocolConfig = { url, securityPolicy, securityMode, timeoutMs: timeout };
  if (userName !== undefined) { cfg.userName = userName; cfg.password = password ?? ''; }
  const certificate = str(data, 'certificate', 'protocol.configData.certificate');
  const privateKey = str(data, 'privateKey', 'protocol.configData.privateKey');
  if ((certificate === undefined) !== (privateKey === undefined)) {
    throw invalid(certificate === undefined ? 'protocol.configData.certificate' : 'protocol.configData.privateKey', 'certificate and privateKey go together');
  }
  if (certificate !== undefined) { cfg.certificate = certificate; cfg.privateKey = privateKey; }
  return cfg;
}

export function parseVisitorConfig(property: Pick<PropertySpec, 'name' | 'visitors'>): OpcuaVisitorConfig {
  const data = property.visitors?.configData ?? {};
  const field = `properties[${property.name}].visitors.configData.nodeID`;
  const nodeID = str(data, 'nodeID', field);
  if (!nodeID) throw invalid(field, 'is required (e.g. ns=1;s=Temperature)');
  const browseName = str(data, 'browseName', `properties[${property.name}].visitors.configData.browseName`);
  return browseName === undefined ? { nodeID } : { nodeID, browseName };
}
