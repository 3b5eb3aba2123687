import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A small OPC UA device for tests: node-opcua's OPCUAServer on 127.0.0.1 with a Double
 * `ns=1;s=Temperature` and an Int32 `ns=1;s=Counter` backed by plain fields the test reads and sets,
 * a read-only Double `ns=1;s=Pressure`, and optional username/password users.
 */
export interface OpcuaSim {
  url: string;
  values: { temperature: number; counter: number; pressure: number };
  close(): Promise<void>;
}

export interface OpcuaSimOptions {
  /** PKI folder for the server (kept out of the user's home). */
  pkiDir: string;
  users?: Record<string, string>;
  allowAnonymous?: boolean;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve, reject) => { s.once('error', reject); s.listen(0, '127.0.0.1', resolve); });
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

export async function startOpcuaSim(opts: OpcuaSimOptions): Promise<OpcuaSim> {
  const ua = await import('node-opcua');
  const port = await freePort();
  const users = opts.users ?? {};
  const serverCertificateManager = new ua.OPCUACertificateManager({ rootFolder: join(opts.pkiDir, 'server'), automaticallyAcceptUnknownCertificate: true });
  const userCertificateManager = new ua.OPCUACertificateManager({ rootFolder: join(opts.pkiDir, 'user'), automaticallyAcceptUnknownCertificate: true });
  await serverCertificateManager.initialize();
  await userCertificateManager.initialize();
  const server = new ua.OPCUAServer({
    port,
    hostname: '127.0.0.1',
    alternateHostname: ['127.0.0.1'],
    resourcePath: '/UA/kedge-test',
    // The mini nodeset loads in ~1 s; the full standard one takes ~8 s and this device needs none of it.
    nodeset_filename: [ua.get_mini_nodeset_filename()],
    serverCertificateManager,
    userCertificateManager,
    // Basic256Sha256 is listed so the None endpoint offers a UserName token policy whose password is
    // encrypted with the server certificate (node-opcua registers only policies the server supports).
    securityPolicies: [ua.SecurityPolicy.None, ua.SecurityPolicy.Basic256Sha256],
    securityModes: [ua.MessageSecurityMode.None, ua.MessageSecurityMode.SignAndEncrypt],
    allowAnonymous: opts.allowAnonymous ?? true,
    userManager: { isValidUser: (userName: string, password: string) => users[userName] !== undefined && users[userName] === password },
  });
  await server.initialize();
  const ns = server.engine.addressSpace!.getOwnNamespace();
  const device = ns.addObject({ organizedBy: server.engine.addressSpace!.rootFolder.objects, browseName: 'Device' });
  const values = { temperature: 0, counter: 0, pressure: 0 };
  const { Variant, DataType, StatusCodes } = ua;
  ns.addVariable({
    componentOf: device, nodeId: 's=Temperature', browseName: 'Temperature', dataType: 'Double', minimumSamplingInterval: 50,
    value: {
      get: () => new Variant({ dataType: DataType.Double, value: values.temperature }),
      set: (v: { value: unknown }) => { values.temperature = Number(v.value); return StatusCodes.Good; },
    },
  });
  ns.addVariable({
    componentOf: device, nodeId: 's=Counter', browseName: 'Counter', dataType: 'Int32', minimumSamplingInterval: 50,
    value: {
      get: () => new Variant({ dataType: DataType.Int32, value: values.counter }),
      set: (v: { value: unknown }) => { values.counter = Number(v.value); return StatusCodes.Good; },
    },
  });
  ns.addVariable({
    componentOf: device, nodeId: 's=Pressure', browseName: 'Pressure', dataType: 'Double', minimumSamplingInterval: 50,
    accessLevel: 'CurrentRead', userAccessLevel: 'CurrentRead',
    value: { get: () => new Variant({ dataType: DataType.Double, value: values.pressure }) },
  });
  await server.start();
  return {
    url: `opc.tcp://127.0.0.1:${port}/UA/kedge-test`,
    values,
    close: () => server.shutdown(0),
  };
}
