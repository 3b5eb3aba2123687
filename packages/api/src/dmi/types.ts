/**
 * The DMI v1beta1 messages as plain objects, the way @grpc/proto-loader hands them over with
 * `dmiLoaderOptions` (field names as in the proto, int64 as number, bytes as Uint8Array). On input every
 * field is optional (proto3 defaults); on output proto-loader fills defaults.
 */

/** proto-loader options the types below are written against. */
export const dmiLoaderOptions = {
  keepCase: true,
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: true,
} as const;

/** google.protobuf.Any: KubeEdge puts wrapper values (StringValue, Int64Value, ...) in configData. */
export interface DmiAny {
  type_url: string;
  value: Uint8Array;
}

export interface CustomizedValue {
  data: Record<string, DmiAny>;
}

export interface DmiProtocolConfig {
  protocolName: string;
  configData?: CustomizedValue | null;
}

export type DmiVisitorConfig = DmiProtocolConfig;

export interface DmiTwinProperty {
  value: string;
  metadata?: Record<string, string>;
}

export interface DmiTwin {
  propertyName: string;
  observedDesired?: DmiTwinProperty | null;
  reported?: DmiTwinProperty | null;
}

export interface DmiPushMethodHTTP { hostname: string; port: number; requestpath: string; timeout: number }
export interface DmiPushMethodMQTT { address: string; topic: string; qos: number; retained: boolean }
export interface DmiPushMethodOTEL { endpointURL: string }

export interface DmiDBMethod {
  influxdb2?: {
    influxdb2ClientConfig?: { url: string; org: string; bucket: string } | null;
    influxdb2DataConfig?: { measurement: string; tag: Record<string, string>; fieldKey: string } | null;
  } | null;
  redis?: { redisClientConfig?: { addr: string; db: number; poolsize: number; minIdleConns: number } | null } | null;
  tdengine?: { tdEngineClientConfig?: { addr: string; dbname: string } | null } | null;
  mysql?: { mysqlClientConfig?: { addr: string; database: string; userName: string } | null } | null;
}

export interface DmiPushMethod {
  http?: DmiPushMethodHTTP | null;
  mqtt?: DmiPushMethodMQTT | null;
  dbMethod?: DmiDBMethod | null;
  otel?: DmiPushMethodOTEL | null;
}

export interface DmiDeviceProperty {
  name: string;
  desired?: DmiTwinProperty | null;
  visitors?: DmiVisitorConfig | null;
  /** Milliseconds. */
  reportCycle: number;
  /** Milliseconds. */
  collectCycle: number;
  reportToCloud: boolean;
  pushMethod?: DmiPushMethod | null;
}

export interface DmiDeviceMethod {
  name: string;
  description: string;
  propertyNames: string[];
}

export interface DmiDeviceSpec {
  deviceModelReference: string;
  protocol?: DmiProtocolConfig | null;
  properties: DmiDeviceProperty[];
  methods: DmiDeviceMethod[];
}

export interface DmiDeviceStatus {
  twins: DmiTwin[];
  reportToCloud: boolean;
  reportCycle: number;
}

export interface DmiDevice {
  name: string;
  namespace: string;
  spec?: DmiDeviceSpec | null;
  status?: DmiDeviceStatus | null;
}

export interface DmiModelProperty {
  name: string;
  description: string;
  type: string;
  accessMode: string;
  minimum: string;
  maximum: string;
  unit: string;
}

export interface DmiDeviceModel {
  name: string;
  namespace: string;
  spec?: { properties: DmiModelProperty[]; commands: unknown[] } | null;
}

export interface DmiMapperInfo {
  name: string;
  version: string;
  api_version: string;
  protocol: string;
  /** The mapper's gRPC unix socket path, as bytes. */
  address: Uint8Array;
  state: string;
}

export interface MapperRegisterRequest { withData: boolean; mapper?: DmiMapperInfo | null }
export interface MapperRegisterResponse { modelList: DmiDeviceModel[]; deviceList: DmiDevice[] }
export interface ReportDeviceStatusRequest { deviceName: string; deviceNamespace: string; reportedDevice?: DmiDeviceStatus | null }
export interface ReportDeviceStatesRequest { deviceName: string; deviceNamespace: string; state: string }
export interface DeviceRequest { device?: DmiDevice | null }
export interface DeviceKeyRequest { deviceName: string; deviceNamespace: string }
export interface ModelRequest { model?: DmiDeviceModel | null }
export interface ModelKeyRequest { modelName: string; modelNamespace: string }
