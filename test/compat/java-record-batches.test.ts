/**
 * RecordBatch v2 and murmur2 against Apache Kafka's own Java client code (kafka-clients 4.x):
 * test/compat/java/RecordBatchProbe.java is compiled once, then run once over a work directory.
 * It reads the batches bindery wrote (MemoryRecords, ensureValid on every batch and record),
 * writes batches of its own with MemoryRecordsBuilder for every codec, and hashes keys with
 * Utils.murmur2; this file compares each report with what the other side wrote.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { classpath, libsAvailable } from '../../scripts/kafka/paths';
import { murmur2, partitionForKey } from '../../src/protocol/murmur2';
import {
  CompressionType,
  TimestampType,
  decodeRecordBatches,
  encodeRecordBatch,
  type Record as BinderyRecord,
  type RecordBatchInput,
  type RecordHeader,
} from '../../src/protocol/records';
import { commandWorks, describeIfPeer } from '../support/peers';
import { killAll, run } from '../support/processes';

const available = commandWorks('javac', ['-version']) && commandWorks('java', ['-version']) && libsAvailable();

const CODECS: Array<[string, CompressionType]> = [
  ['none', CompressionType.None],
  ['gzip', CompressionType.Gzip],
  ['snappy', CompressionType.Snappy],
  ['lz4', CompressionType.Lz4],
  ['zstd', CompressionType.Zstd],
];
const PARTITION_COUNTS = [1, 2, 3, 6, 7, 10, 12, 32, 100, 1000];
const TIMESTAMP_TYPE_NAMES = { [TimestampType.CreateTime]: 'CreateTime', [TimestampType.LogAppendTime]: 'LogAppendTime' };

/** A record as both sides report it: binary fields as base64, null kept. */
interface ReportedRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: Array<{ key: string; value: string | null }>;
}
type ReportLine = { [field: string]: unknown; kind: string };

const b64 = (b: Buffer | null | undefined): string | null => (b === null || b === undefined ? null : b.toString('base64'));
const reportHeaders = (headers: RecordHeader[] | undefined) => (headers ?? []).map((h) => ({ key: h.key, value: b64(h.value) }));
const reported = (r: BinderyRecord): ReportedRecord => ({ offset: r.offset, timestamp: r.timestamp, key: b64(r.key), value: b64(r.value), headers: reportHeaders(r.headers) });

/** Deterministic bytes that do not compress (a linear congruential generator). */
function noise(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 16;
  }
  return out;
}

/** Three batches per codec: idempotent CreateTime, transactional LogAppendTime with offset gaps, a bare tombstone. */
function binderyBatches(compression: CompressionType): RecordBatchInput[] {
  const createTime: RecordBatchInput = {
    compression,
    baseOffset: 42,
    producerId: 9000,
    producerEpoch: 3,
    baseSequence: 17,
    partitionLeaderEpoch: 5,
    records: Array.from({ length: 400 }, (_, i) => ({
      key: i % 7 === 0 ? null : i === 3 ? Buffer.alloc(0) : Buffer.from(`key-${i}`),
      value: i % 11 === 5 ? null : i === 2 ? Buffer.alloc(0) : Buffer.from(JSON.stringify({ i, text: 'lorem ipsum '.repeat(1 + (i % 29)) })),
      // Out of order, and some before the first record's (the base) timestamp.
      timestamp: 1700000000000 + ((i * 7919 + 2500) % 5000),
      headers:
        i % 3 === 0
          ? []
          : [
              { key: `h${i}`, value: Buffer.from(String(i)) },
              { key: 'n', value: null },
              { key: 'ключ-ü', value: Buffer.from([0, 255, i & 255]) },
            ],
    })),
  };
  const logAppendTime: RecordBatchInput = {
    compression,
    compressionLevel: compression === CompressionType.Gzip ? 9 : compression === CompressionType.Zstd ? 19 : undefined,
    baseOffset: 1000,
    timestampType: TimestampType.LogAppendTime,
    maxTimestamp: 1800000000000,
    producerId: 9001,
    producerEpoch: 0,
    baseSequence: 0,
    partitionLeaderEpoch: 6,
    isTransactional: true,
    records: Array.from({ length: 20 }, (_, i) => ({
      offsetDelta: i * 3,
      key: Buffer.from(`k${i}`),
      value: noise(i + 1, 300 + i * 50),
      timestamp: 1700000100000 + i,
      headers: [{ key: 'seq', value: Buffer.from([i]) }],
    })),
  };
  const tombstone: RecordBatchInput = { compression, baseOffset: 1100, records: [{ key: Buffer.from('gone'), value: null, timestamp: 1700000200000 }] };
  return [createTime, logAppendTime, tombstone];
}

/** What Kafka's reader must report for a batch bindery encoded from `input` into `size` bytes. */
function expectedRead(codec: string, index: number, input: RecordBatchInput, size: number) {
  const baseOffset = input.baseOffset ?? 0;
  const deltas = input.records.map((r, i) => r.offsetDelta ?? i);
  const logAppend = input.timestampType === TimestampType.LogAppendTime;
  const baseSequence = input.baseSequence ?? -1;
  const batch = {
    kind: 'read-batch',
    file: `bindery-${codec}.bin`,
    index,
    codec,
    magic: 2,
    baseOffset,
    lastOffset: baseOffset + deltas[deltas.length - 1],
    count: input.records.length,
    producerId: input.producerId ?? -1,
    producerEpoch: input.producerEpoch ?? -1,
    baseSequence,
    transactional: input.isTransactional ?? false,
    control: false,
    timestampType: TIMESTAMP_TYPE_NAMES[input.timestampType ?? TimestampType.CreateTime],
    maxTimestamp: logAppend ? input.maxTimestamp : Math.max(...input.records.map((r) => r.timestamp as number)),
    partitionLeaderEpoch: input.partitionLeaderEpoch ?? -1,
    sizeInBytes: size,
  };
  const records = input.records.map((r, i) => ({
    kind: 'read-record',
    file: `bindery-${codec}.bin`,
    index,
    offset: baseOffset + deltas[i],
    sequence: baseSequence < 0 ? -1 : baseSequence + deltas[i],
    timestamp: logAppend ? input.maxTimestamp : r.timestamp,
    key: b64(r.key),
    value: b64(r.value),
    headers: reportHeaders(r.headers),
  }));
  return [batch, ...records];
}

/** Keys for murmur2: ASCII, multi-byte UTF-8, raw bytes; every length 0-66 so each tail case occurs. */
function murmurKeys(): Buffer[] {
  const keys: Buffer[] = [Buffer.alloc(0)];
  for (let i = 0; i < 320; i++) {
    if (i % 4 === 0) keys.push(Buffer.from(`key-${i}`));
    else if (i % 4 === 1) keys.push(Buffer.from(`ключ-ü-${i}${'😀'.repeat(i % 3)}`));
    else if (i % 4 === 2) keys.push(noise(i * 7 + 3, i % 67));
    else keys.push(Buffer.from('x'.repeat(i % 41)));
  }
  return keys;
}

describeIfPeer('Java 17 (javac) + Apache Kafka jars (node scripts/kafka/fetch.js)', available, "RecordBatch v2 and murmur2 against Apache Kafka's Java client", () => {
  let work = '';
  const encoded = new Map<string, Buffer[]>();
  const inputs = new Map<string, RecordBatchInput[]>();
  const keys = murmurKeys();
  let report: ReportLine[] = [];

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'bindery-java-batches-'));
    const classes = path.join(work, 'classes');
    const cp = classpath();
    for (const [codec, compression] of CODECS) {
      const batches = binderyBatches(compression);
      const buffers = await Promise.all(batches.map((b) => encodeRecordBatch(b)));
      inputs.set(codec, batches);
      encoded.set(codec, buffers);
      writeFileSync(path.join(work, `bindery-${codec}.bin`), Buffer.concat(buffers));
    }
    writeFileSync(path.join(work, 'murmur-keys.txt'), keys.map((k) => (k.length === 0 ? '-' : k.toString('base64'))).join('\n') + '\n');

    const source = path.join(__dirname, 'java', 'RecordBatchProbe.java');
    const javac = await run('javac', ['-J-Xmx256m', '-nowarn', '-d', classes, '-cp', cp, source], { timeoutMs: 120000 });
    if (javac.code !== 0) throw new Error(`javac failed (${javac.code}):\n${javac.stdout}\n${javac.stderr}`);
    // Native codec libraries (snappy, zstd) unpack into java.io.tmpdir: keep them in the work dir.
    const java = await run(
      'java',
      ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', `-Djava.io.tmpdir=${work}`, '-cp', `${classes}${path.delimiter}${cp}`, 'RecordBatchProbe', work, PARTITION_COUNTS.join(',')],
      { timeoutMs: 120000 },
    );
    if (java.code !== 0) throw new Error(`RecordBatchProbe failed (${java.code}):\n${java.stdout}\n${java.stderr}`);
    report = readFileSync(path.join(work, 'report.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as ReportLine);
  }, 240000);

  afterAll(async () => {
    await killAll();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe.each(CODECS)('%s', (codec, compression) => {
    it('Kafka reads, validates and reports exactly the batches bindery wrote', () => {
      const batches = inputs.get(codec) ?? [];
      const sizes = (encoded.get(codec) ?? []).map((b) => b.length);
      const expected = batches.flatMap((input, index) => expectedRead(codec, index, input, sizes[index]));
      const read = report.filter((l) => (l.kind === 'read-batch' || l.kind === 'read-record' || l.kind === 'read-error') && l.file === `bindery-${codec}.bin`);
      expect(read.filter((l) => l.kind === 'read-error')).toEqual([]);
      expect(read).toEqual(expected);
    });

    it('bindery decodes the batches MemoryRecordsBuilder wrote, as Kafka says it wrote them', async () => {
      const file = readFileSync(path.join(work, `java-${codec}.bin`));
      const decoded = await decodeRecordBatches(file);
      const wroteBatches = report.filter((l) => l.kind === 'wrote-batch' && l.codec === codec);
      expect(wroteBatches).toHaveLength(2);
      expect(decoded).toHaveLength(2);
      decoded.forEach((batch, index) => {
        const wrote = wroteBatches[index];
        const wroteRecords = report
          .filter((l) => l.kind === 'wrote-record' && l.codec === codec && l.index === index)
          .map(({ offset, timestamp, key, value, headers }) => ({ offset, timestamp, key, value, headers }) as ReportedRecord);
        const logAppend = wrote.timestampType === 'LogAppendTime';
        expect({
          compression: batch.compression,
          baseOffset: batch.baseOffset,
          lastOffset: batch.baseOffset + batch.lastOffsetDelta,
          producerId: batch.producerId,
          producerEpoch: batch.producerEpoch,
          baseSequence: batch.baseSequence,
          isTransactional: batch.isTransactional,
          isControl: batch.isControl,
          timestampType: TIMESTAMP_TYPE_NAMES[batch.timestampType],
          maxTimestamp: batch.maxTimestamp,
          partitionLeaderEpoch: batch.partitionLeaderEpoch,
        }).toEqual({
          compression,
          baseOffset: wrote.baseOffset,
          lastOffset: wroteRecords[wroteRecords.length - 1].offset,
          producerId: wrote.producerId,
          producerEpoch: wrote.producerEpoch,
          baseSequence: wrote.baseSequence,
          isTransactional: wrote.transactional,
          isControl: false,
          timestampType: wrote.timestampType,
          maxTimestamp: logAppend ? wrote.logAppendTime : Math.max(...wroteRecords.map((r) => r.timestamp)),
          partitionLeaderEpoch: wrote.partitionLeaderEpoch,
        });
        const expectedRecords = wroteRecords.map((r) => (logAppend ? { ...r, timestamp: wrote.logAppendTime as number } : r));
        expect(batch.records.map(reported)).toEqual(expectedRecords);
      });
    });
  });

  it('encodes the records MemoryRecordsBuilder wrote uncompressed into the same bytes', async () => {
    const wroteBatches = report.filter((l) => l.kind === 'wrote-batch' && l.codec === 'none');
    const ours = await Promise.all(
      wroteBatches.map((wrote, index) => {
        const records = report.filter((l) => l.kind === 'wrote-record' && l.codec === 'none' && l.index === index);
        const baseOffset = wrote.baseOffset as number;
        const logAppend = wrote.timestampType === 'LogAppendTime';
        const fromBase64 = (s: unknown) => (s === null ? null : Buffer.from(s as string, 'base64'));
        return encodeRecordBatch({
          baseOffset,
          producerId: wrote.producerId as number,
          producerEpoch: wrote.producerEpoch as number,
          baseSequence: wrote.baseSequence as number,
          isTransactional: wrote.transactional as boolean,
          partitionLeaderEpoch: wrote.partitionLeaderEpoch as number,
          timestampType: logAppend ? TimestampType.LogAppendTime : TimestampType.CreateTime,
          maxTimestamp: logAppend ? (wrote.logAppendTime as number) : undefined,
          records: records.map((r) => ({
            offsetDelta: (r.offset as number) - baseOffset,
            timestamp: r.timestamp as number,
            key: fromBase64(r.key),
            value: fromBase64(r.value),
            headers: (r.headers as ReportedRecord['headers']).map((h) => ({ key: h.key, value: fromBase64(h.value) })),
          })),
        });
      }),
    );
    expect(Buffer.concat(ours).equals(readFileSync(path.join(work, 'java-none.bin')))).toBe(true);
  });

  it('murmur2 and the default partitioner pick the same partitions as Utils.murmur2 / toPositive', () => {
    const hashed = report.filter((l) => l.kind === 'murmur');
    expect(hashed.map((l) => l.key)).toEqual(keys.map((k) => k.toString('base64')));
    const ours = keys.map((k) => ({ kind: 'murmur', key: k.toString('base64'), hash: murmur2(k), partitions: PARTITION_COUNTS.map((n) => partitionForKey(k, n)) }));
    expect(hashed).toEqual(ours);
  });
});
