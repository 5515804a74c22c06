/**
 * Layout compatibility: Apache Kafka's own `kafka.tools.DumpLogSegments` reads segments, offset
 * indexes and time indexes written by bindery, and prints the offsets, keys and values appended.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogDirectory } from '../../src/broker/log/LogDirectory';
import { commandWorks, describeIfPeer } from '../support/peers';
import { makeBatch, type TestRecord } from '../support/log-children/batches';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaPaths = require('../../scripts/kafka/paths.js') as { classpath(): string; libsAvailable(): boolean };

const available = commandWorks('java', ['-version']) && kafkaPaths.libsAvailable();

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
    const first = new LogDirectory(root, { logger: { warn: () => undefined } });
    await appendAll(first, 40, 0);
    first.close();
    // a second run left open (no clean shutdown): its active segment's indexes stay preallocated
    await appendAll(new LogDirectory(root, { logger: { warn: () => undefined } }), 5, 40);
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
  });

  it('finds every .index and .timeindex entry consistent with its log (--verify-index-only)', () => {
    const indexes = [...files('.index'), ...files('.timeindex')];
    const out = dump(['--verify-index-only', '--files', indexes.join(',')]);
    expect(out).not.toMatch(/mismatch|Exception|out of order|not found/i);
    expect(out.match(/^Dumping /gm)).toHaveLength(indexes.length);
  });

  it('lists sparse index entries that point at batch starts', () => {
    const index = files('.index')[0];
    const out = dump(['--files', index]);
    const entries = [...out.matchAll(/^offset: (\d+) position: (\d+)$/gm)].map((m) => ({ offset: Number(m[1]), position: Number(m[2]) }));
    expect(entries.length).toBeGreaterThan(2);
    const log = dump(['--files', index.replace(/\.index$/, '.log')]);
    const batches = [...log.matchAll(/lastOffset: (\d+) .*? position: (\d+) /g)].map((m) => ({ offset: Number(m[1]), position: Number(m[2]) }));
    for (const e of entries) expect(batches).toContainEqual(e);
  });
});
