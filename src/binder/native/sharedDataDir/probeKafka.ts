/**
 * Checks that the address a holder announced speaks the Kafka protocol, before a Kafka client is
 * pointed at it: one ApiVersions v0 request (the request every Kafka client sends first), whose
 * answer must decode and list Produce and Fetch. Resolves, or rejects with what was wrong.
 */
import * as net from 'node:net';
import { ApiKey } from '../../../protocol/messages/apiKeys';
import { decodeResponse, encodeRequestFrame } from '../../../protocol/messages/codec';
import { AnnouncementMismatch } from './announcement';

const CORRELATION_ID = 0x62696e64;
const MAX_RESPONSE_BYTES = 1 << 20;

export function probeKafka(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    const done = (error?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => done(new AnnouncementMismatch(`did not answer a Kafka ApiVersions request on ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => socket.write(encodeRequestFrame({ apiKey: ApiKey.ApiVersions, apiVersion: 0, correlationId: CORRELATION_ID, clientId: 'bindery-datadir' }, {})));
    socket.on('error', (err) => done(new AnnouncementMismatch(`announced ${host}:${port}, which refused a connection (${err.message})`)));
    socket.on('end', () => done(new AnnouncementMismatch(`closed the connection on ${host}:${port} without a Kafka answer`)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const verdict = readApiVersions(received);
      if (verdict === null) return;
      done(verdict === true ? undefined : new AnnouncementMismatch(`answered on ${host}:${port} with another protocol (${verdict})`));
    });
  });
}

/** true when `bytes` hold a usable ApiVersions v0 response, null while incomplete, else why not. */
function readApiVersions(bytes: Buffer): true | null | string {
  if (bytes.length < 4) return null;
  const size = bytes.readInt32BE(0);
  if (size < 6 || size > MAX_RESPONSE_BYTES) return `a frame of ${size} bytes`;
  if (bytes.length < 4 + size) return null;
  if (bytes.readInt32BE(4) !== CORRELATION_ID) return 'another correlation id';
  try {
    const response = decodeResponse(ApiKey.ApiVersions, 0, bytes, 8, 4 + size);
    if (response.errorCode !== 0) return `ApiVersions error ${response.errorCode}`;
    const keys = new Set(response.apiKeys.map((k) => k.apiKey));
    if (!keys.has(ApiKey.Produce) || !keys.has(ApiKey.Fetch)) return 'no Produce or Fetch among its APIs';
    return true;
  } catch (err) {
    return (err as Error).message;
  }
}
