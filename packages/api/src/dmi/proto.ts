/**
 * KubeEdge's Device Management Interface, package `v1beta1` (kubeedge/kubeedge
 * `staging/src/github.com/kubeedge/api/dmi/v1beta1/api.proto`), written out for wire compatibility with
 * KubeEdge mappers: service, method, message and field names and field numbers are KubeEdge's, so the
 * gRPC paths are `/v1beta1.DeviceManagerService/MapperRegister` etc. Kept as text so @kedge/api stays
 * dependency-free; the edge and the mapper SDK load it with @grpc/proto-loader.
 *
 * Fields added upstream after v1.15 (Device/DeviceModel `namespace`, DeviceSpec `methods`, PushMethod
 * `otel`, DBMethod `mysql`, DeviceStatus `reportToCloud`/`reportCycle`, the ReportDeviceStates RPC) take
 * the next free numbers, as upstream does.
 */
export const dmiProtoText = `syntax = "proto3";
package v1beta1;

import "google/protobuf/any.proto";

// Served by EdgeCore on its DMI socket; called by mappers.
service DeviceManagerService {
  rpc MapperRegister(MapperRegisterRequest) returns (MapperRegisterResponse) {}
  rpc ReportDeviceStatus(ReportDeviceStatusRequest) returns (ReportDeviceStatusResponse) {}
  rpc ReportDeviceStates(ReportDeviceStatesRequest) returns (ReportDeviceStatesResponse) {}
}

// Served by a mapper on its own socket; called by EdgeCore.
service DeviceMapperService {
  rpc RegisterDevice(RegisterDeviceRequest) returns (RegisterDeviceResponse) {}
  rpc RemoveDevice(RemoveDeviceRequest) returns (RemoveDeviceResponse) {}
  rpc UpdateDevice(UpdateDeviceRequest) returns (UpdateDeviceResponse) {}
  rpc CreateDeviceModel(CreateDeviceModelRequest) returns (CreateDeviceModelResponse) {}
  rpc RemoveDeviceModel(RemoveDeviceModelRequest) returns (RemoveDeviceModelResponse) {}
  rpc UpdateDeviceModel(UpdateDeviceModelRequest) returns (UpdateDeviceModelResponse) {}
  rpc GetDevice(GetDeviceRequest) returns (GetDeviceResponse) {}
}

message MapperRegisterRequest {
  bool withData = 1;
  MapperInfo mapper = 2;
}

message MapperRegisterResponse {
  repeated DeviceModel modelList = 1;
  repeated Device deviceList = 2;
}

message DeviceModel {
  string name = 1;
  DeviceModelSpec spec = 2;
  string namespace = 3;
}

message DeviceModelSpec {
  repeated ModelProperty properties = 1;
  repeated DeviceCommand commands = 2;
}

message ModelProperty {
  string name = 1;
  string description = 2;
  string type = 3;
  string accessMode = 4;
  string minimum = 5;
  string maximum = 6;
  string unit = 7;
}

message DeviceCommand {
  string name = 1;
  string url = 2;
  string method = 3;
  repeated string status_code = 4;
  repeated string parameters = 5;
  bytes response = 6;
}

message Device {
  string name = 1;
  DeviceSpec spec = 2;
  DeviceStatus status = 3;
  string namespace = 4;
}

message DeviceSpec {
  string deviceModelReference = 1;
  ProtocolConfig protocol = 2;
  repeated DeviceProperty properties = 3;
  repeated DeviceMethod methods = 4;
}

message DeviceMethod {
  string name = 1;
  string description = 2;
  repeated string propertyNames = 3;
}

message DeviceProperty {
  string name = 1;
  TwinProperty desired = 2;
  VisitorConfig visitors = 3;
  int64 reportCycle = 4;
  int64 collectCycle = 5;
  bool reportToCloud = 6;
  PushMethod pushMethod = 7;
}

message ProtocolConfig {
  string protocolName = 1;
  CustomizedValue configData = 2;
}

message VisitorConfig {
  string protocolName = 1;
  CustomizedValue configData = 2;
}

message CustomizedValue {
  map<string, google.protobuf.Any> data = 1;
}

message PushMethod {
  PushMethodHTTP http = 1;
  PushMethodMQTT mqtt = 2;
  DBMethod dbMethod = 3;
  PushMethodOTEL otel = 4;
}

message PushMethodHTTP {
  string hostname = 1;
  int64 port = 2;
  string requestpath = 3;
  int64 timeout = 4;
}

message PushMethodMQTT {
  string address = 1;
  string topic = 2;
  int32 qos = 3;
  bool retained = 4;
}

message PushMethodOTEL {
  string endpointURL = 1;
}

message DBMethod {
  DBMethodInfluxdb2 influxdb2 = 1;
  DBMethodRedis redis = 2;
  DBMethodTDEngine tdengine = 3;
  DBMethodMySQL mysql = 4;
}

message DBMethodInfluxdb2 {
  Influxdb2ClientConfig influxdb2ClientConfig = 1;
  Influxdb2DataConfig influxdb2DataConfig = 2;
}

message Influxdb2DataConfig {
  string measurement = 1;
  map<string, string> tag = 2;
  string fieldKey = 3;
}

message Influxdb2ClientConfig {
  string url = 1;
  string org = 2;
  string bucket = 3;
}

message DBMethodRedis {
  RedisClientConfig redisClientConfig = 1;
}

message RedisClientConfig {
  string addr = 1;
  int32 db = 2;
  int32 poolsize = 3;
  int32 minIdleConns = 4;
}

message DBMethodTDEngine {
  TDEngineClientConfig tdEngineClientConfig = 1;
}

message TDEngineClientConfig {
  string addr = 1;
  string dbname = 2;
}

message DBMethodMySQL {
  MySQLClientConfig mysqlClientConfig = 1;
}

message MySQLClientConfig {
  string addr = 1;
  string database = 2;
  string userName = 3;
}

message MapperInfo {
  string name = 1;
  string version = 2;
  string api_version = 3;
  string protocol = 4;
  // The mapper's gRPC unix socket path.
  bytes address = 5;
  string state = 6;
}

message ReportDeviceStatusRequest {
  string deviceName = 1;
  DeviceStatus reportedDevice = 2;
  string deviceNamespace = 3;
}

message DeviceStatus {
  repeated Twin twins = 1;
  bool reportToCloud = 2;
  int64 reportCycle = 3;
}

message Twin {
  string propertyName = 1;
  TwinProperty observedDesired = 2;
  TwinProperty reported = 3;
}

message TwinProperty {
  string value = 1;
  map<string, string> metadata = 2;
}

message ReportDeviceStatusResponse {}

message ReportDeviceStatesRequest {
  string deviceName = 1;
  string deviceNamespace = 2;
  string state = 3;
}

message ReportDeviceStatesResponse {}

message RegisterDeviceRequest {
  Device device = 1;
}

message RegisterDeviceResponse {
  string deviceName = 1;
  string deviceNamespace = 2;
}

message CreateDeviceModelRequest {
  DeviceModel model = 1;
}

message CreateDeviceModelResponse {
  string deviceModelName = 1;
  string deviceModelNamespace = 2;
}

message RemoveDeviceRequest {
  string deviceName = 1;
  string deviceNamespace = 2;
}

message RemoveDeviceResponse {}

message RemoveDeviceModelRequest {
  string modelName = 1;
  string modelNamespace = 2;
}

message RemoveDeviceModelResponse {}

message UpdateDeviceRequest {
  Device device = 1;
}

message UpdateDeviceResponse {}

message UpdateDeviceModelRequest {
  DeviceModel model = 1;
}

message UpdateDeviceModelResponse {}

message GetDeviceRequest {
  string deviceName = 1;
  string deviceNamespace = 2;
}

message GetDeviceResponse {
  Device device = 1;
}
`;
