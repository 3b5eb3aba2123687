import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeviceRunner } from './device-runner.js';

/**
 * mapper-framework's REST API (port 7777): `GET /api/v1/ping` and
 * `GET /api/v1/device/{namespace}/{name}/{property}` → the last collected value; 404 for unknown ones.
 */
export function startRest(opts: { bind: string; port: number; name: string; devices: () => Map<string, DeviceRunner> }): Promise<Server> {
  const server = createServer((req, res) => {
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'v1', statusCode: code, timeStamp: new Date().toISOString(), ...body as object }));
    };
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method !== 'GET') return send(405, { message: `method ${req.method} not allowed` });
    if (path === '/api/v1/ping') return send(200, { message: `This is ${opts.name} API, the request is successful.` });
    const m = /^\/api\/v1\/device\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
    if (!m) return send(404, { message: `no route ${path}` });
    const [ns, name, prop] = m.slice(1).map(decodeURIComponent) as [string, string, string];
    const dev = opts.devices().get(`${ns}/${name}`);
    if (!dev) return send(404, { message: `device ${ns}/${name} not found` });
    const p = dev.settings.spec.properties.find((x) => x.name === prop);
    if (!p) return send(404, { message: `property ${prop} of device ${ns}/${name} not found` });
    const r = dev.readings.get(prop);
    if (!r) return send(404, { message: `property ${prop} of device ${ns}/${name} has no value yet` });
    return send(200, { Data: { DeviceNamespace: ns, DeviceName: name, PropertyName: prop, Value: String(r.value), Type: p.type.toLowerCase(), CollectTimestamp: r.timestamp } });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.bind, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export const restPort = (s: Server): number => (s.address() as AddressInfo).port;
