import { connect, type Socket } from 'node:net';
import { ApiKey, decodeRecordBatchesSync, decodeResponse, decodeResponseHeader, encodeRecordBatchSync, encodeRequestFrame } from '../../src/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../support/broker-server';
import { waitFor } from '../support/processes';

/** A raw Kafka connection: sends frames built by the protocol codec, collects response frames. */
class RawClient {
  readonly frames: Buffer[] = [];
  private buf = Buffer.alloc(0);
  closed = false;
  constructor(readonly socket: Socket) {
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
        this.frames.push(this.buf.subarray(4, 4 + this.buf.readInt32BE(0)));
        this.buf = this.buf.subarray(4 + this.buf.readInt32BE(0));
      }
    });
    socket.on('close', () => (this.closed = true));
  }
  static async open(port: number): Promise<RawClient> {
    const s = connect(port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    return new RawClient(s);
  }
  correlationIds(): number[] {
    return this.frames.map((f) => f.readInt32BE(0));
  }
}

const metadataV1 = (correlationId: number) => encodeRequestFrame({ apiKey: ApiKey.Metadata, apiVersion: 1, correlationId, clientId: 'raw' }, { topics: null });

describe('bindery broker wire behaviour', () => {
  let broker: TestBroker;
  const clients: RawClient[] = [];
  const open = async () => {
    const c = await RawClient.open(broker.port);
    clients.push(c);
    return c;
  };
  jest.setTimeout(60000);
  beforeAll(async () => (broker = await startTestBroker()));
  afterAll(async () => {
    for (const c of clients) c.socket.destroy();
    await broker?.stop();
  });

  it('answers requests in order on a connection while a long-poll fetch waits, without delaying other connections', async () => {
    const a = await open();
    a.socket.write(metadataV1(1)); // creates nothing; makes sure the connection works
    await waitFor('metadata', () => a.frames.length === 1);
    a.socket.write(encodeRequestFrame({ apiKey: ApiKey.CreateTopics, apiVersion: 2, correlationId: 2, clientId: 'raw' }, {
      topics: [{ name: 'long-poll', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false,
    }));
    await waitFor('create topic', () => a.frames.length === 2);
    const fetch = encodeRequestFrame({ apiKey: ApiKey.Fetch, apiVersion: 11, correlationId: 3, clientId: 'raw' }, {
      replicaId: -1, maxWaitMs: 30000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'long-poll', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    a.socket.write(Buffer.concat([fetch, metadataV1(4)]));
    const b = await open();
    b.socket.write(metadataV1(100));
    await waitFor('the other connection answered', () => b.frames.length === 1);
    // The fetch is still parked (nothing to read), so the metadata behind it on connection A waits too.
    expect(a.correlationIds()).toEqual([1, 2]);
    // A record arriving releases the fetch; then both answers leave, in request order.
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'long-poll', messages: [{ value: 'wake up' }] });
    await producer.disconnect();
    await waitFor('fetch and metadata on connection A', () => a.frames.length === 4);
    expect(a.correlationIds()).toEqual([1, 2, 3, 4]);
    const fetchBody = a.frames[2];
    const { headerSize } = decodeResponseHeader(ApiKey.Fetch, 11, fetchBody);
    const fetched = decodeResponse(ApiKey.Fetch, 11, fetchBody, headerSize);
    expect(fetched.responses[0].partitions[0].errorCode).toBe(0);
    expect(fetched.responses[0].partitions[0].records?.includes(Buffer.from('wake up'))).toBe(true);
  });

  it('sends no response to an acks=0 produce, and answers the next request', async () => {
    const c = await open();
    const produce = encodeRequestFrame({ apiKey: ApiKey.Produce, apiVersion: 7, correlationId: 10, clientId: 'raw' }, {
      transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{ name: 'acks-zero', partitionData: [{ index: 0, records: null }] }],
    });
    c.socket.write(Buffer.concat([produce, metadataV1(11)]));
    await waitFor('metadata answer', () => c.frames.length >= 1);
    expect(c.correlationIds()).toEqual([11]);
  });

  it('advertises every API from version 0 and answers an unknown ApiVersions version in the v0 layout', async () => {
    const c = await open();
    c.socket.write(encodeRequestFrame({ apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: 20, clientId: 'raw' }, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' }));
    await waitFor('ApiVersions v3', () => c.frames.length === 1);
    const v3 = decodeResponse(ApiKey.ApiVersions, 3, c.frames[0], 4);
    expect(v3.errorCode).toBe(0);
    expect(v3.apiKeys.every((k) => k.minVersion === 0)).toBe(true);
    const max = new Map(v3.apiKeys.map((k) => [k.apiKey, k.maxVersion]));
    expect(max.get(ApiKey.Produce)).toBeGreaterThanOrEqual(9);
    expect(max.get(ApiKey.Fetch)).toBeGreaterThanOrEqual(13);
    expect(max.get(ApiKey.Metadata)).toBe(12);
    // A future ApiVersions version (header v2: tagged fields follow the client id).
    const future = Buffer.from([0, 0, 0, 0, 0, 18, 0, 99, 0, 0, 0, 21, 0, 3, 0x72, 0x61, 0x77, 0, 0]);
    future.writeInt32BE(future.length - 4, 0);
    c.socket.write(future);
    await waitFor('ApiVersions fallback', () => c.frames.length === 2);
    const v0 = decodeResponse(ApiKey.ApiVersions, 0, c.frames[1], 4);
    expect(c.frames[1].readInt32BE(0)).toBe(21);
    expect(v0.errorCode).toBe(35);
    expect(v0.apiKeys.map((k) => k.apiKey)).toEqual(v3.apiKeys.map((k) => k.apiKey));
  });

  it('keeps every produced and fetched byte intact while a reader stalls and others fetch and produce (pooled buffers are not reused early)', async () => {
    const topic = 'buffer-reuse';
    const PARTITIONS = 8;
    const RECORD = 2048;
    const PER_BATCH = 64;
    /** Record (p, i)'s value: its partition and offset, then bytes that depend on them, so any overwrite shows. */
    const value = (p: number, i: number): Buffer => {
      const v = Buffer.alloc(RECORD, (i * 7 + p) % 251);
      v.writeUInt32BE(p, 0);
      v.writeUInt32BE(i, 4);
      return v;
    };
    let produced = 0; // records per partition
    let correlationId = 5000;
    const producer = await open();
    producer.socket.write(encodeRequestFrame({ apiKey: ApiKey.CreateTopics, apiVersion: 2, correlationId: correlationId++, clientId: 'raw' }, {
      topics: [{ name: topic, numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false,
    }));
    await waitFor('create topic', () => producer.frames.length === 1);
    /** Appends `rounds` requests, each with one batch of PER_BATCH records per partition (acks=1), and waits for the answers. */
    const produce = async (rounds: number): Promise<void> => {
      const frames: Buffer[] = [];
      for (let r = 0; r < rounds; r++) {
        const partitionData = Array.from({ length: PARTITIONS }, (_, p) => ({
          index: p,
          records: encodeRecordBatchSync({ records: Array.from({ length: PER_BATCH }, (_, k) => ({ value: value(p, produced + k) })) }),
        }));
        produced += PER_BATCH;
        frames.push(encodeRequestFrame({ apiKey: ApiKey.Produce, apiVersion: 7, correlationId: correlationId++, clientId: 'raw' }, {
          transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: topic, partitionData }],
        }));
      }
      const before = producer.frames.length;
      producer.socket.write(Buffer.concat(frames));
      await waitFor('produce answers', () => producer.frames.length === before + rounds);
    };
    /** A fetch of every partition from offsets[p], 1 MiB each: what Kafka's clients ask by default. */
    const fetchFrame = (offsets: number[]): Buffer =>
      encodeRequestFrame({ apiKey: ApiKey.Fetch, apiVersion: 11, correlationId: correlationId++, clientId: 'raw' }, {
        replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 64 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic, partitions: offsets.map((o, p) => ({ partition: p, currentLeaderEpoch: -1, fetchOffset: BigInt(o), logStartOffset: -1n, partitionMaxBytes: 1 << 20 })) }],
        forgottenTopicsData: [], rackId: '',
      });
    /** Decodes one Fetch v11 response, checks every record against value(p, offset); the records read per partition. */
    const checkFetch = (frame: Buffer): number[] => {
      const { headerSize } = decodeResponseHeader(ApiKey.Fetch, 11, frame);
      const wrong: string[] = [];
      const counts = decodeResponse(ApiKey.Fetch, 11, frame, headerSize).responses[0].partitions.map((part) => {
        expect(part.errorCode).toBe(0);
        let n = 0;
        for (const batch of decodeRecordBatchesSync(part.records as Buffer)) {
          for (const r of batch.records) {
            if (!r.value?.equals(value(part.partitionIndex, r.offset))) wrong.push(`${part.partitionIndex}/${r.offset}`);
            n++;
          }
        }
        return n;
      });
      expect(wrong).toEqual([]);
      return counts;
    };

    await produce(40); // 5 MiB per partition, 40 MiB in all: most of it past the in-memory tails
    const stalled = await open();
    stalled.socket.pause(); // the broker's write of ~8 MiB backs up: the response's buffers stay with the socket
    stalled.socket.write(fetchFrame(Array(PARTITIONS).fill(0)));
    // Meanwhile another reader goes through the logs from other offsets (handed buffers of the
    // same size) and new batches cycle the tails.
    const reader = await open();
    for (let round = 1; round <= 3; round++) {
      await produce(5);
      const offsets = Array(PARTITIONS).fill(500 * round);
      while (offsets.some((o) => o < produced)) {
        const before = reader.frames.length;
        reader.socket.write(fetchFrame(offsets));
        await waitFor('fetch answer', () => reader.frames.length === before + 1);
        checkFetch(reader.frames[before]).forEach((n, p) => (offsets[p] += n));
      }
    }
    stalled.socket.resume();
    await waitFor('the stalled fetch', () => stalled.frames.length === 1, 30000);
    const counts = checkFetch(stalled.frames[0]);
    expect(counts.every((n) => n >= PER_BATCH)).toBe(true);
  });

  it('answers 2000 pipelined requests sent in one write, in order, past the per-connection in-flight bound', async () => {
    const c = await open();
    const ids = Array.from({ length: 2000 }, (_, i) => 1000 + i);
    c.socket.write(Buffer.concat(ids.map((id) => metadataV1(id))));
    await waitFor('2000 answers', () => c.frames.length === ids.length);
    expect(c.correlationIds()).toEqual(ids);
  });

  it('closes a connection whose request exceeds socket.request.max.bytes, and only that one', async () => {
    const bad = await open();
    const good = await open();
    const head = Buffer.alloc(4);
    head.writeInt32BE(100 * 1024 * 1024 + 1, 0);
    bad.socket.write(head);
    await waitFor('oversized connection closed', () => bad.closed);
    good.socket.write(metadataV1(30));
    await waitFor('healthy connection answered', () => good.frames.length === 1);
    expect(good.closed).toBe(false);
  });
});
