import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { LogDirectory } from '../../../../src/broker/log/LogDirectory';
import { decodeCheckpoint, encodeCheckpoint } from '../../../../src/broker/log/OffsetCheckpointFile';
import { CorruptCheckpointError } from '../../../../src/broker/log/errors';
import { makeSimpleBatch } from '../../../support/log-children/batches';
import { silentLogger } from '../../../../src/logging';
import { warningsInto } from '../../../support/capturingLogger';

describe('offset checkpoint files', () => {
  it("use Kafka's text format: version, count, then `topic partition offset` lines", () => {
    const text = encodeCheckpoint([
      { topic: 'orders', partition: 0, offset: 42 },
      { topic: 'my-topic', partition: 11, offset: 7 },
    ]).toString();
    expect(text).toBe('0\n2\norders 0 42\nmy-topic 11 7\n');
    expect(decodeCheckpoint(text, 'cp')).toEqual([
      { topic: 'orders', partition: 0, offset: 42 },
      { topic: 'my-topic', partition: 11, offset: 7 },
    ]);
  });

  it('refuses a malformed file with a typed error', () => {
    expect(() => decodeCheckpoint('0\n3\na 0 1\n', 'cp')).toThrow(CorruptCheckpointError);
    expect(() => decodeCheckpoint('1\n0\n', 'cp')).toThrow(/version/);
  });
});

describe('LogDirectory', () => {
  const now = () => 1_700_000_000_000;

  it('rewrites a checkpoint file only when its content changes', async () => {
    const fs = new MemoryFileSystem();
    const writes: string[] = [];
    const writeFileAtomic = fs.writeFileAtomic.bind(fs);
    fs.writeFileAtomic = (path, data) => {
      writes.push(path);
      writeFileAtomic(path, data);
    };
    const dir = new LogDirectory('/kafka-logs', { fs, now, logger: silentLogger });
    const log = dir.openLog('orders', 0);
    log.append(await makeSimpleBatch(2));
    dir.checkpoint();
    const first = writes.length;
    expect(first).toBeGreaterThan(0);
    dir.checkpoint();
    dir.checkpoint();
    expect(writes.length).toBe(first);
    log.deleteRecordsBefore(1);
    dir.checkpoint();
    expect(writes.slice(first)).toEqual(['/kafka-logs/log-start-offset-checkpoint']);
    expect(fs.readFile('/kafka-logs/log-start-offset-checkpoint')!.toString()).toBe('0\n1\norders 0 1\n');
    dir.close();
  });

  it('opens partition logs in <topic>-<partition> dirs and writes both checkpoints on close', async () => {
    const fs = new MemoryFileSystem();
    const dir = new LogDirectory('/kafka-logs', { fs, now, logger: silentLogger });
    const a = dir.openLog('orders', 0);
    expect(dir.openLog('orders', 0)).toBe(a);
    a.append(await makeSimpleBatch(3));
    dir.openLog('my-topic', 2).append(await makeSimpleBatch(1));
    a.deleteRecordsBefore(1);
    dir.close();
    expect(fs.readFile('/kafka-logs/recovery-point-offset-checkpoint')!.toString()).toBe('0\n2\nmy-topic 2 1\norders 0 3\n');
    expect(fs.readFile('/kafka-logs/log-start-offset-checkpoint')!.toString()).toBe('0\n2\nmy-topic 2 0\norders 0 1\n');
    expect(fs.list('/kafka-logs/orders-0')).toContain('00000000000000000000.log');

    const warnings: string[] = [];
    const again = new LogDirectory('/kafka-logs', { fs, now, logger: warningsInto(warnings) });
    expect(again.partitions().sort((x, y) => x.topic.localeCompare(y.topic))).toEqual([
      { topic: 'my-topic', partition: 2 },
      { topic: 'orders', partition: 0 },
    ]);
    const reopened = again.openLog('orders', 0);
    expect(reopened.logStartOffset).toBe(1);
    expect(reopened.logEndOffset).toBe(3);
    expect(reopened.recoveryPoint).toBe(3);
    expect(warnings).toEqual([]);
    again.deleteLog('orders', 0);
    expect(fs.exists('/kafka-logs/orders-0')).toBe(false);
    expect(fs.readFile('/kafka-logs/recovery-point-offset-checkpoint')!.toString()).toBe('0\n1\nmy-topic 2 1\n');
  });

  it('copes with logs their owner closed or deleted directly', async () => {
    const fs = new MemoryFileSystem();
    const dir = new LogDirectory('/kafka-logs', { fs, now, logger: silentLogger });
    const kept = dir.openLog('kept', 0);
    kept.append(await makeSimpleBatch(2));
    kept.close();
    dir.openLog('gone', 0).delete();
    expect(() => dir.close()).not.toThrow();
    expect(fs.readFile('/kafka-logs/recovery-point-offset-checkpoint')!.toString()).toBe('0\n1\nkept 0 2\n');
    const again = new LogDirectory('/kafka-logs', { fs, now, logger: silentLogger });
    expect(again.openLog('kept', 0).logEndOffset).toBe(2);
    expect(again.openLog('kept', 0).isClosed).toBe(false);
  });
});
