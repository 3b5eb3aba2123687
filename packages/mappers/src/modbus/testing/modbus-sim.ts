import { createServer, type AddressInfo } from 'node:net';
import modbusSerial from 'modbus-serial';

/**
 * A simulated Modbus TCP device for tests: modbus-serial's ServerTCP with a vector over four plain
 * arrays (holding and input registers, coils, discrete inputs) that tests read and change directly.
 */
export interface ModbusSim {
  port: number;
  holding: number[];
  input: number[];
  coils: boolean[];
  discrete: boolean[];
  /** Stops listening and drops open connections (a device going away). */
  close(): Promise<void>;
  /** Listens again on the same port with the same memory (the device coming back). */
  restart(): Promise<void>;
}

/** ServerTCP treats port 0 as "use 502", so reserve a free loopback port first. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve, reject) => { s.once('error', reject); s.listen(0, '127.0.0.1', resolve); });
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

export async function startModbusSim(size = 64, port?: number): Promise<ModbusSim> {
  const sim = {
    port: port ?? await freePort(),
    holding: new Array<number>(size).fill(0),
    input: new Array<number>(size).fill(0),
    coils: new Array<boolean>(size).fill(false),
    discrete: new Array<boolean>(size).fill(false),
  };
  const at = <T>(arr: T[], addr: number): T => {
    if (addr < 0 || addr >= arr.length) throw Object.assign(new Error('illegal data address'), { modbusErrorCode: 2 });
    return arr[addr]!;
  };
  const vector = {
    getHoldingRegister: (addr: number) => at(sim.holding, addr),
    getInputRegister: (addr: number) => at(sim.input, addr),
    getCoil: (addr: number) => at(sim.coils, addr),
    getDiscreteInput: (addr: number) => at(sim.discrete, addr),
    setRegister: (addr: number, value: number) => { at(sim.holding, addr); sim.holding[addr] = value; },
    setCoil: (addr: number, value: boolean) => { at(sim.coils, addr); sim.coils[addr] = value; },
  };
  let server: InstanceType<typeof modbusSerial.ServerTCP> | undefined;
  const listen = async (): Promise<void> => {
    const s = new modbusSerial.ServerTCP(vector, { host: '127.0.0.1', port: sim.port, unitID: 255 });
    await new Promise<void>((resolve, reject) => {
      s.on('initialized', () => resolve());
      s.on('serverError', (err: Error | null) => reject(err ?? new Error('modbus server error')));
    });
    // A client reset must not become an unhandled 'error' in the test process.
    s.on('socketError', () => undefined);
    server = s;
  };
  const close = async (): Promise<void> => {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  return Object.assign(sim, { close, restart: async () => { await close(); await listen(); } });
}
