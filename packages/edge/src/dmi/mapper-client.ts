import { credentials, type Client, type ServiceError } from '@grpc/grpc-js';
import { unixTarget, type DmiDevice, type DmiDeviceModel } from '@kedge/api/dmi/index.js';
import { loadDmiServices } from './load-proto.js';

/** EdgeCore's side of one mapper's DeviceMapperService (KubeEdge dials with a 10 s timeout). */
export interface MapperClient {
  registerDevice(device: DmiDevice): Promise<void>;
  updateDevice(device: DmiDevice): Promise<void>;
  removeDevice(namespace: string, name: string): Promise<void>;
  createDeviceModel(model: DmiDeviceModel): Promise<void>;
  updateDeviceModel(model: DmiDeviceModel): Promise<void>;
  removeDeviceModel(namespace: string, name: string): Promise<void>;
  getDevice(namespace: string, name: string): Promise<DmiDevice | undefined>;
  close(): void;
}

type Unary = (req: unknown, opts: { deadline: Date }, cb: (err: ServiceError | null, res: unknown) => void) => void;

export function createMapperClient(socket: string, timeoutMs = 10_000): MapperClient {
  const { DeviceMapperService } = loadDmiServices();
  const client = new DeviceMapperService(unixTarget(socket), credentials.createInsecure()) as Client & Record<string, Unary>;
  const call = <T>(method: string, req: unknown): Promise<T> =>
    new Promise((resolve, reject) => {
      client[method]!.call(client, req, { deadline: new Date(Date.now() + timeoutMs) }, (err, res) => (err ? reject(err) : resolve(res as T)));
    });
  return {
    registerDevice: async (device) => { await call('RegisterDevice', { device }); },
    updateDevice: async (device) => { await call('UpdateDevice', { device }); },
    removeDevice: async (deviceNamespace, deviceName) => { await call('RemoveDevice', { deviceName, deviceNamespace }); },
    createDeviceModel: async (model) => { await call('CreateDeviceModel', { model }); },
    updateDeviceModel: async (model) => { await call('UpdateDeviceModel', { model }); },
    removeDeviceModel: async (modelNamespace, modelName) => { await call('RemoveDeviceModel', { modelName, modelNamespace }); },
    getDevice: async (deviceNamespace, deviceName) => (await call<{ device?: DmiDevice | null }>('GetDevice', { deviceName, deviceNamespace })).device ?? undefined,
    close: () => client.close(),
  };
}
