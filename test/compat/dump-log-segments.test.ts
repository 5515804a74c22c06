/**
 * Layout compatibility, both ways: Apache Kafka's own `kafka.tools.DumpLogSegments` reads segments,
 * offset indexes and time indexes written by bindery and prints the offsets, keys and values
 * appended; and bindery reads a segment written by Kafka's own LogSegment class, producing index
 * files identical to Kafka's, byte for byte.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogDirectory } from '../../src/broker/log/LogDirectory';
import { commandWorks, describeIfPeer } from '../support/peers';
import { Log } from '../../src/broker/log/Log';
import { decodeRecords, makeBatch, type TestRecord } from '../support/log-children/batches';
import { silentLogger } from '../../src/logging';
import { warningsInto } from '../support/capturingLogger';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaPaths = require('../../scripts/kafka/paths.js') as { classpath(): string; libsAvailable(): boolean };

const available = commandWorks('java', ['-version']) && kafkaPaths.libsAvailable();
/** Each JVM start takes 1-8 s on a loaded 2-core machine. */
const JVM_TIMEOUT_MS = 120_000;

function dump(args: string[]): string {
  return execFileSync('java', ['-cp', kafkaPaths.classpath(), 'kafka.tools.DumpLogSegments', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

interface Expected {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
}

describeIfPeer('Java 17 + Apache Kafka jars', available, "Apache Kafka's DumpLogSegments reads bindery segments", () => {
  let root: string;
  let partitionDir: string;
  const expected: Expected[] = [];

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-dls-'));
    const config = { segmentBytes: 1500, indexIntervalBytes: 200 };
    const t0 = 1_700_000_000_000;
    let next = 0;
    const appendAll = async (dir: LogDirectory, batches: number, from: number) => {
      const log = dir.openLog('compat', 0, config);
      for (let b = from; b < from + batches; b++) {
        const records: TestRecord[] = [
          { key: `key-${b}`, value: `value-${b}-a`, timestamp: t0 + b * 10 },
          { key: null, value: `value-${b}-b`, timestamp: t0 + b * 10 + 1 },
          { key: `key-${b}`, value: b % 4 === 0 ? null : `value-${b}-c`, timestamp: t0 + b * 10 + 2 },
        ];
        log.append(await makeBatch(records, { compression: b % 5 === 0 ? 1 : 0 }));
        for (const r of records) {
          expected.push({ offset: next++, timestamp: r.timestamp!, key: (r.key as string | null) ?? null, value: r.value as string | null });
        }
      }
    };
    const first = new LogDirectory(root, { logger: silentLogger });
    await appendAll(first, 40, 0);
    first.close();
    // a second run left open (no clean shutdown): its active segment's indexes stay preallocated
    await appendAll(new LogDirectory(root, { logger: silentLogger }), 5, 40);
    partitionDir = path.join(root, 'compat-0');
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const files = (suffix: string) =>
    fs.readdirSync(partitionDir).filter((n) => n.endsWith(suffix)).sort().map((n) => path.join(partitionDir, n));

  it('prints the same offsets, timestamps, keys and values (--print-data-log)', () => {
    const logs = files('.log');
    expect(logs.length).toBeGreaterThan(2);
    const out = dump(['--print-data-log', '--files', logs.join(',')]);
    expect(out).not.toMatch(/isvalid: false|Exception|corrupt/i);
    const records = out
      .split('\n')
      .filter((l) => l.startsWith('| offset:'))
      .map((l) => {
        const m = /^\| offset: (\d+) CreateTime: (\d+) keySize: (-?\d+) valueSize: (-?\d+).*?(?: key: (\S*))?(?: payload: (\S*))?$/.exec(l);
        if (!m) throw new Error(`unexpected DumpLogSegments line: ${l}`);
        return {
          offset: Number(m[1]),
          timestamp: Number(m[2]),
          key: m[3] === '-1' ? null : (m[5] ?? ''),
          value: m[4] === '-1' ? null : (m[6] ?? ''),
        };
      });
    expect(records).toEqual(expected);
  }, JVM_TIMEOUT_MS);

  it('finds every .index and .timeindex entry consistent with its log (--verify-index-only)', () => {
    const indexes = [...files('.index'), ...files('.timeindex')];
    const out = dump(['--verify-index-only', '--files', indexes.join(',')]);
    expect(out).not.toMatch(/mismatch|Exception|out of order|not found/i);
    expect(out.match(/^Dumping /gm)).toHaveLength(indexes.length);
  }, JVM_TIMEOUT_MS);

  it('lists sparse index entries that point at batch starts', () => {
    const index = files('.index')[0];
    const out = dump(['--files', index]);
    const entries = [...out.matchAll(/^offset: (\d+) position: (\d+)$/gm)].map((m) => ({ offset: Number(m[1]), position: Number(m[2]) }));
    expect(entries.length).toBeGreaterThan(2);
    const log = dump(['--files', index.replace(/\.index$/, '.log')]);
    const batches = [...log.matchAll(/lastOffset: (\d+) .*? position: (\d+) /g)].map((m) => ({ offset: Number(m[1]), position: Number(m[2]) }));
    for (const e of entries) expect(batches).toContainEqual(e);
  }, JVM_TIMEOUT_MS);
});

/** Writes one segment with Kafka's own LogSegment: 30 batches of 3 records, every third gzip. */
const KAFKA_SEGMENT_WRITER = `
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.storage.internals.log.LogConfig;
import org.apache.kafka.storage.internals.log.LogSegment;

public class WriteSegment {
  public static void main(String[] args) throws Exception {
    File dir = new File(args[0]);
    dir.mkdirs();
    LogConfig config = new LogConfig(Map.of("index.interval.bytes", "200", "segment.bytes", "1048576"));
    LogSegment segment = LogSegment.open(dir, 0L, config, Time.SYSTEM, 0, false);
    long offset = 0;
    for (int b = 0; b < 30; b++) {
      SimpleRecord[] records = new SimpleRecord[3];
      for (int i = 0; i < 3; i++) {
        byte[] key = i == 1 ? null : ("key-" + b).getBytes(StandardCharsets.UTF_8);
        byte[] value = (b % 7 == 0 && i == 2) ? null : ("value-" + b + "-" + i).getBytes(StandardCharsets.UTF_8);
        records[i] = new SimpleRecord(1700000000000L + b * 10 + i, key, value);
      }
      Compression compression = b % 3 == 0 ? Compression.gzip().build() : Compression.NONE;
      MemoryRecords batch = MemoryRecords.withRecords(offset, compression, records);
      segment.append(offset + 2, batch);
      offset += 3;
    }
    segment.flush();
    segment.close();
  }
}
`;

describeIfPeer('Java 17 + Apache Kafka jars', available, "bindery reads a segment written by Apache Kafka's LogSegment", () => {
  let root: string;
  const SEG = '00000000000000000000';

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-kafka-segment-'));
    const source = path.join(root, 'WriteSegment.java');
    fs.writeFileSync(source, KAFKA_SEGMENT_WRITER);
    execFileSync('java', ['-cp', kafkaPaths.classpath(), source, path.join(root, 'kafka-0')], { timeout: 60_000, stdio: 'pipe' });
  }, JVM_TIMEOUT_MS);

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const kafkaFile = (ext: string) => fs.readFileSync(path.join(root, 'kafka-0', `${SEG}${ext}`));

  /** A copy of Kafka's files (opening a log preallocates its active segment's indexes). */
  function copyOfKafkaSegment(name: string, exts: string[]): string {
    const dir = path.join(root, name);
    fs.mkdirSync(dir);
    for (const ext of exts) fs.copyFileSync(path.join(root, 'kafka-0', `${SEG}${ext}`), path.join(dir, `${SEG}${ext}`));
    return dir;
  }

  /** Byte equality without a multi-megabyte diff when it fails. */
  function expectSameBytes(actual: Buffer, expected: Buffer): void {
    expect({ length: actual.length, equal: actual.equals(expected) }).toEqual({ length: expected.length, equal: true });
  }

  it('reads every record at its offset, trusting the indexes Kafka wrote', async () => {
    const warnings: string[] = [];
    const log = Log.open(copyOfKafkaSegment('trusted-0', ['.log', '.index', '.timeindex']), { indexIntervalBytes: 200 }, { recoveryPoint: Number.MAX_SAFE_INTEGER, logger: warningsInto(warnings) });
    expect(warnings).toEqual([]);
    expect(log.logEndOffset).toBe(90);
    const records = await decodeRecords(log.read(0, 1 << 20).records);
    const expected = Array.from({ length: 90 }, (_, o) => {
      const [b, i] = [Math.floor(o / 3), o % 3];
      return { offset: o, timestamp: 1_700_000_000_000 + b * 10 + i, key: i === 1 ? null : `key-${b}`, value: b % 7 === 0 && i === 2 ? null : `value-${b}-${i}` };
    });
    expect(records).toEqual(expected);
    expect((await decodeRecords(log.read(40, 1).records)).map((r) => r.offset)).toEqual([39, 40, 41]);
    expect(log.offsetForTimestamp(1_700_000_000_151)).toEqual({ offset: 46, timestamp: 1_700_000_000_151 }); // inside a gzip batch
    expect(log.offsetForTimestamp(1_700_000_000_155)).toEqual({ offset: 48, timestamp: 1_700_000_000_160 });
    log.close();
  });

  it('rebuilds, on recovery, .index and .timeindex files identical to Kafka\'s', () => {
    const dir = copyOfKafkaSegment('recovered-0', ['.log']);
    const log = Log.open(dir, { indexIntervalBytes: 200 }, { recoveryPoint: 0, logger: silentLogger });
    expect(log.logEndOffset).toBe(90);
    log.close();
    expectSameBytes(fs.readFileSync(path.join(dir, `${SEG}.index`)), kafkaFile('.index'));
    expectSameBytes(fs.readFileSync(path.join(dir, `${SEG}.timeindex`)), kafkaFile('.timeindex'));
  });

  it('writes, appending the same batches, .log, .index and .timeindex files identical to Kafka\'s', () => {
    const kafkaLog = kafkaFile('.log');
    const log = Log.open(path.join(root, 'appended-0'), { indexIntervalBytes: 200 }, { logger: silentLogger });
    for (let at = 0; at < kafkaLog.length; ) {
      const size = kafkaLog.readInt32BE(at + 8) + 12;
      log.appendWithOffsets(Buffer.from(kafkaLog.subarray(at, at + size)));
      at += size;
    }
    log.close();
    const ours = (ext: string) => fs.readFileSync(path.join(root, 'appended-0', `${SEG}${ext}`));
    expectSameBytes(ours('.log'), kafkaLog);
    expectSameBytes(ours('.index'), kafkaFile('.index'));
    expectSameBytes(ours('.timeindex'), kafkaFile('.timeindex'));
  });
});
