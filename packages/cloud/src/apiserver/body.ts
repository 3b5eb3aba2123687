import type { IncomingMessage } from 'node:http';
import { ApiError, badRequest } from '@kedge/api';
import { parse as parseYaml } from 'yaml';
import { decodeK8sProtobuf } from './protobuf/index.js';

/** Reads the whole request body, failing with 413 beyond `max` bytes. */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) {
      req.resume();
      reject(tooLarge(max));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > max) {
        failed = true;
        reject(tooLarge(max));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => { if (!failed) resolve(Buffer.concat(chunks)); });
    req.on('error', (e) => { if (!failed) { failed = true; reject(e); } });
  });
}

function tooLarge(max: number): ApiError {
  return new ApiError('RequestEntityTooLarge', `the request body is too large (limit ${max} bytes)`);
}

export function mediaType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

export function parseJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw badRequest(`the body of the request was in an unknown format: ${(e as Error).message}`);
  }
}

/** A full object body (POST/PUT/DeleteOptions/Binding): JSON or the Kubernetes protobuf envelope. */
export function decodeObjectBody(req: IncomingMessage, buf: Buffer): Record<string, unknown> {
  const type = mediaType(req);
  let value: unknown;
  if (type === 'application/json' || type === '' || type === '*/*') value = parseJson(buf);
  else if (type === 'application/vnd.kubernetes.protobuf') {
    try {
      value = decodeK8sProtobuf(buf).object;
    } catch (e) {
      throw badRequest(`unable to decode protobuf body: ${(e as Error).message}`);
    }
  } else if (type === 'application/yaml') value = parseYamlBody(buf);
  else throw new ApiError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('the body of the request must be a JSON object');
  return value as Record<string, unknown>;
}

export function parseYamlBody(buf: Buffer): unknown {
  try {
    return parseYaml(buf.toString('utf8'));
  } catch (e) {
    throw badRequest(`error decoding YAML: ${(e as Error).message}`);
  }
}
