/**
 * A full disk for real: the broker's data directory on a small tmpfs (mounted as root). Produce
 * until the disk refuses, free space, produce again, restart: every acknowledged record is at its
 * acknowledged offset. Then a restart on a full disk (read-only), and DeleteTopics freeing space.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Broker } from '../../../src/broker/Broker';
import { ErrorCode } from '../../../src/protocol/errorCodes';
import { decodeRecordBatchSync } from '../../../src/protocol/records/decodeBatch';
import { describeIfPeer } from '../../support/peers';
import { makeBatch, produceOne, readAll } from './support/batches';
import { warningsInto } from '../../support/capturingLogger';

/** Whether this process may mount a tmpfs (root, and mount permitted here). */
function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore', timeout: 10_000 });
    execFileSync('umount', [dir], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  } finally {
    fs.rmdirSync(dir);
  }
}

const TMPFS_BYTES = 3 * 1024 * 1024;
const BALLAST_BYTES = 256 * 1024;
const VALUE_BYTES = 8 * 1024;
/** Bounds every loop: the tmpfs holds a few hundred batches. */
const MAX_PRODUCES = 5000;

interface Acked {
  offset: number;
  marker: string;
}

describeIfPeer('root (mount tmpfs)', canMountTmpfs(), 'broker on a full disk (small tmpfs)', () => {
  let mountPoint: string;
  let dataDir: string;
  const warnings: string[] = [];

  beforeAll(() => {
    mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-tmpfs-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'tmpfs', mountPoint], { timeout: 10_000 });
    dataDir = path.join(mountPoint, 'data');
  });

  afterAll(() => {
    execFileSync('umount', ['-l', mountPoint], { timeout: 10_000 }); // lazy: also when a failed test left files open
    fs.rmdirSync(mountPoint);
  });

  const open = () => Broker.open({ dataDir, logger: warningsInto(warnings), logCleaner: null, config: { topicDefaults: { 'segment.bytes': String(512 * 1024) } } });

  /** A batch whose key names it, so a record found later can be matched to its acknowledgement. */
  const batch = (marker: string) => makeBatch({ count: 1, valueSize: VALUE_BYTES, keyPrefix: marker });

  async function produceUntilRefused(broker: Broker, topic: string, label: string, acked: Acked[]): Promise<number> {
    for (let i = 0; i < MAX_PRODUCES; i++) {
      const marker = `${label}-${i}-`;
      const r = await produceOne(broker, topic, 0, batch(marker));
      if (r.errorCode !== ErrorCode.NONE) return r.errorCode;
      acked.push({ offset: r.baseOffset, marker });
    }
    throw new Error(`${MAX_PRODUCES} produces and the disk never filled`);
  }

  async function expectAllThere(broker: Broker, topic: string, acked: Acked[]): Promise<void> {
    const stored = await readAll(broker, topic, 0);
    const keyAt = new Map(stored.map((h) => [h.baseOffset, decodeRecordBatchSync(h.buf.subarray(h.at, h.at + h.sizeInBytes)).records[0].key?.toString() ?? '']));
    // each acknowledged batch at its acknowledged offset, holding what was sent there (its key starts with the marker)
    const lost = acked.filter((a) => !keyAt.get(a.offset)?.startsWith(a.marker));
    expect(lost).toEqual([]);
    expect(stored).toHaveLength(acked.length);
  }

  it('ENOSPC mid-produce: refused with KAFKA_STORAGE_ERROR, accepted again once space is freed, nothing acknowledged lost after a restart', async () => {
    fs.mkdirSync(dataDir, { recursive: true });
    const ballast = path.join(mountPoint, 'ballast');
    fs.writeFileSync(ballast, Buffer.alloc(BALLAST_BYTES, 1));
    const acked: Acked[] = [];
    let broker = await open();
    expect(await produceUntilRefused(broker, 'orders', 'a', acked)).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    for (let i = 0; i < 5; i++) expect((await produceOne(broker, 'orders', 0, batch(`full-${i}-`))).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(warnings.some((w) => w.includes('orders') && w.includes('ENOSPC'))).toBe(true);
    fs.rmSync(ballast);
    for (let i = 0; i < 20; i++) {
      const marker = `b-${i}-`;
      const r = await produceOne(broker, 'orders', 0, batch(marker));
      expect(r.errorCode).toBe(ErrorCode.NONE);
      acked.push({ offset: r.baseOffset, marker });
    }
    expect(acked.map((a) => a.offset)).toEqual(acked.map((_, i) => i));
    await expectAllThere(broker, 'orders', acked);
    await broker.close();
    broker = await open();
    await expectAllThere(broker, 'orders', acked);
    const stored = await readAll(broker, 'orders', 0);
    expect(stored.map((h) => h.baseOffset)).toEqual(acked.map((a) => a.offset));
    await broker.close();
  });

  it('restarts on a full disk read-only, and DeleteTopics frees the space', async () => {
    const orders: Acked[] = [];
    let broker = await open();
    const before = (await readAll(broker, 'orders', 0)).length;
    expect(await produceUntilRefused(broker, 'filler', 'f', [])).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    await broker.close();
    broker = await open();
    expect((await readAll(broker, 'orders', 0)).length).toBe(before);
    // still full: the restarted broker refuses appends but serves reads
    expect(await produceUntilRefused(broker, 'orders', 'g', orders)).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    const del = await broker.deleteTopics({ topicNames: ['filler'] });
    expect(del.responses[0].errorCode).toBe(ErrorCode.NONE);
    expect(fs.readdirSync(dataDir).filter((n) => n.startsWith('filler-'))).toEqual([]);
    const r = await produceOne(broker, 'orders', 0, batch('after-delete-'));
    expect(r.errorCode).toBe(ErrorCode.NONE);
    await broker.close();
    broker = await open();
    expect((await broker.metadata({ topics: null })).topics.map((t) => t.name)).not.toContain('filler');
    expect((await readAll(broker, 'orders', 0)).length).toBe(before + orders.length + 1);
    await broker.close();
  });
});
