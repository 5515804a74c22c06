/**
 * Just enough of the Kafka wire protocol, written by hand, for the scenarios that must talk to the
 * broker as no well-behaved client would: thousands of topics auto-created through Metadata v1 and
 * read back with Fetch v4 a hundred at a time, and Fetch v4 requests pipelined by a client that
 * never reads. Independent of bindery's codecs.
 */
import { connect, type Socket } from 'node:net';

const API_FETCH = 1;
const API_METADATA = 3;

function string(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(2 + bytes.length);
  out.writeInt16BE(bytes.length, 0);
  bytes.copy(out, 2);
  return out;
}

function int32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeInt32BE(value, 0);
  return out;
}

/** A whole request frame: size, then header v1 (api key, version, correlation id, client id), then the body. */
export function requestFrame(apiKey: number, apiVersion: number, correlationId: number, clientId: string, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  const payload = Buffer.concat([header, string(clientId), body]);
  return Buffer.concat([int32(payload.length), payload]);
}

/** Metadata v1 body: the topics asked for (v1 auto-creates unknown topics when the broker allows it). */
export function metadataV1Body(topics: readonly string[]): Buffer {
  return Buffer.concat([int32(topics.length), ...topics.map(string)]);
}

/** Fetch v4 body: one partition of one topic, from `offset`, up to `maxBytes`, answered at once. */
export function fetchV4Body(topic: string, partition: number, offset: number, maxBytes: number): Buffer {
  const head = Buffer.alloc(17);
  head.writeInt32BE(-1, 0); // replica id: a consumer
  head.writeInt32BE(0, 4); // max wait
  head.writeInt32BE(1, 8); // min bytes
  head.writeInt32BE(maxBytes, 12);
  head.writeInt8(0, 16); // isolation level
  const part = Buffer.alloc(16);
  part.writeInt32BE(partition, 0);
  part.writeBigInt64BE(BigInt(offset), 4);
  part.writeInt32BE(maxBytes, 12);
  return Buffer.concat([head, int32(1), string(topic), int32(1), part]);
}

/** Fetch v4 body for partition 0 of each topic, from offset 0, up to `partitionMaxBytes` each. */
export function fetchV4ManyBody(topics: readonly string[], partitionMaxBytes: number): Buffer {
  const head = Buffer.alloc(17);
  head.writeInt32BE(-1, 0);
  head.writeInt32BE(0, 4);
  head.writeInt32BE(1, 8);
  head.writeInt32BE(topics.length * partitionMaxBytes, 12);
  head.writeInt8(0, 16);
  const parts = topics.map((topic) => {
    const part = Buffer.alloc(16);
    part.writeInt32BE(0, 0);
    part.writeBigInt64BE(0n, 4);
    part.writeInt32BE(partitionMaxBytes, 12);
    return Buffer.concat([string(topic), int32(1), part]);
  });
  return Buffer.concat([head, int32(topics.length), ...parts]);
}

export interface FetchedPartition {
  topic: string;
  errorCode: number;
  highWatermark: number;
  records: Buffer;
}

/** The partitions of a Fetch v4 response body (after the correlation id). */
export function decodeFetchV4(body: Buffer): FetchedPartition[] {
  let at = 4; // throttle time
  const i16 = () => ((at += 2), body.readInt16BE(at - 2));
  const i32 = () => ((at += 4), body.readInt32BE(at - 4));
  const i64 = () => ((at += 8), Number(body.readBigInt64BE(at - 8)));
  const str = () => {
    const length = i16();
    at += Math.max(0, length);
    return body.toString('utf8', at - Math.max(0, length), at);
  };
  const out: FetchedPartition[] = [];
  const topics = i32();
  for (let t = 0; t < topics; t++) {
    const topic = str();
    const partitions = i32();
    for (let p = 0; p < partitions; p++) {
      i32(); // partition index
      const errorCode = i16();
      const highWatermark = i64();
      i64(); // last stable offset
      const aborted = i32();
      at += 16 * Math.max(0, aborted);
      const size = i32();
      const records = body.subarray(at, at + Math.max(0, size));
      at += Math.max(0, size);
      out.push({ topic, errorCode, highWatermark, records });
    }
  }
  return out;
}

export function fetchV4Frame(correlationId: number, clientId: string, topic: string, offset: number, maxBytes: number): Buffer {
  return requestFrame(API_FETCH, 4, correlationId, clientId, fetchV4Body(topic, 0, offset, maxBytes));
}

export interface TopicMetadata {
  name: string;
  errorCode: number;
  partitions: number;
  /** Every partition has a leader and no error. */
  led: boolean;
}

/** The topics of a Metadata v1 response body (after the correlation id). */
export function decodeMetadataV1Topics(body: Buffer): TopicMetadata[] {
  let at = 0;
  const i16 = () => ((at += 2), body.readInt16BE(at - 2));
  const i32 = () => ((at += 4), body.readInt32BE(at - 4));
  const str = () => {
    const length = i16();
    if (length < 0) return '';
    at += length;
    return body.toString('utf8', at - length, at);
  };
  const brokers = i32();
  for (let b = 0; b < brokers; b++) {
    i32();
    str();
    i32();
    str();
  }
  i32(); // controller id
  const topics: TopicMetadata[] = [];
  const count = i32();
  for (let t = 0; t < count; t++) {
    const errorCode = i16();
    const name = str();
    at += 1; // is_internal
    const partitions = i32();
    let led = true;
    for (let p = 0; p < partitions; p++) {
      const partitionError = i16();
      i32();
      const leader = i32();
      const replicas = i32();
      at += 4 * Math.max(0, replicas);
      const isr = i32();
      at += 4 * Math.max(0, isr);
      if (partitionError !== 0 || leader < 0) led = false;
    }
    topics.push({ name, errorCode, partitions, led: led && partitions > 0 });
  }
  return topics;
}

/** One connection whose responses are matched to requests in order (the broker answers in request order). */
export class WireConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly waiting: Array<{ resolve(body: Buffer): void; reject(error: Error): void }> = [];
  private correlationId = 0;
  private failure: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const w of this.waiting.splice(0)) w.reject(this.failure);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed by the broker')));
  }

  static open(host: string, port: number, timeoutMs = 10000): Promise<WireConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => (socket.destroy(), reject(new Error(`no connection to ${host}:${port} within ${timeoutMs} ms`))), timeoutMs);
      socket.once('connect', () => (clearTimeout(timer), resolve(new WireConnection(socket))));
      socket.once('error', (error) => (clearTimeout(timer), reject(error)));
    });
  }

  /** Sends a Metadata v1 request and resolves with its topics; rejects after `timeoutMs`. */
  async metadata(topics: readonly string[], timeoutMs = 30000): Promise<TopicMetadata[]> {
    const body = await this.request(API_METADATA, 1, metadataV1Body(topics), timeoutMs);
    return decodeMetadataV1Topics(body);
  }

  /** Sends a Fetch v4 request for partition 0 of each topic from offset 0; resolves with the partitions. */
  async fetchFromStart(topics: readonly string[], partitionMaxBytes: number, timeoutMs = 30000): Promise<FetchedPartition[]> {
    return decodeFetchV4(await this.request(API_FETCH, 4, fetchV4ManyBody(topics, partitionMaxBytes), timeoutMs));
  }

  request(apiKey: number, apiVersion: number, body: Buffer, timeoutMs: number): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no response within ${timeoutMs} ms`));
        this.socket.destroy();
      }, timeoutMs);
      this.waiting.push({ resolve: (b) => (clearTimeout(timer), resolve(b)), reject: (e) => (clearTimeout(timer), reject(e)) });
      this.socket.write(requestFrame(apiKey, apiVersion, ++this.correlationId, 'fault-wire', body));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) return;
      const body = this.buffered.subarray(8, 4 + size); // after the correlation id
      this.buffered = this.buffered.subarray(4 + size);
      this.waiting.shift()?.resolve(body);
    }
  }
}
