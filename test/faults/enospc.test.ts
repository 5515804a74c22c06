/**
 * A full disk mid-produce, then space freed. The broker's data directory lives on a small tmpfs
 * that also holds filler files written first; producing with acks=all fills the filesystem and
 * sends start failing (not acknowledged). Then, page by page (one small filler deleted per round),
 * the disk is kept at the edge of full while small batches go on: a batch may still fit in the
 * last page of the `.log` while the index entries behind it need a page that is not there, which
 * is where a failed append used to leave bytes whose offsets the next append reused. Deleting the
 * large filler frees space: the broker must accept produces again without a restart, and after a
 * restart every acknowledged record is stored exactly once, at the offset it was acknowledged with.
 */
import { statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka, Producer, RecordMetadata } from 'kafkajs';
import { describeIfPeer } from '../support/peers';
import { freePort, killAllBrokers, startBroker, type BrokerProcess } from './support/brokerProcess';
import { kafkaClient, readTopic, reconcile, type Acknowledged } from './support/readBack';
import { mib, printSummary } from './support/summary';
import { canMountTmpfs, mountTmpfs, type Tmpfs } from './support/tmpfs';

const TMPFS_MIB = 32;
const FILLER_MIB = 6;
/** Rounds at the edge of full, each freeing one page (a filler file of one page). */
const EDGE_ROUNDS = 64;
const PAGE_BYTES = 4096;
/** Small batches tried per round, at most (a round ends at the first failure). */
const EDGE_SENDS_PER_ROUND = 200;
const TOPIC = 'fill';
const PARTITIONS = 2;
const VALUE_BYTES = 8192;
const RECORDS_PER_SEND = 8;
/** Failed sends after which the disk counts as full (several, so appends fail at different points). */
const FAILURES_WHEN_FULL = 10;
/** Sends after the filler is deleted: well inside the space it frees. */
const SENDS_AFTER_FREE = 40;

describeIfPeer('root (tmpfs mount)', canMountTmpfs(), 'fault: ENOSPC mid-produce, then space freed', () => {
  let tmpfs: Tmpfs | undefined;
  let broker: BrokerProcess | undefined;

  afterAll(async () => {
    await killAllBrokers();
    tmpfs?.unmount();
  }, 60000);

  /** Sends one batch of fresh values to one partition; the values acknowledged, or null when the send failed. */
  async function sendBatch(producer: Producer, partition: number, next: () => string, records = RECORDS_PER_SEND): Promise<Acknowledged[] | null> {
    const values = Array.from({ length: records }, () => next());
    try {
      const [meta]: RecordMetadata[] = await producer.send({ topic: TOPIC, acks: -1, timeout: 10000, messages: values.map((value) => ({ partition, value })) });
      return values.map((value, i) => ({ partition, offset: Number(meta.baseOffset) + i, value }));
    } catch {
      return null;
    }
  }

  it('acknowledges no failed append and loses no acknowledged record across a full disk and a restart', async () => {
    tmpfs = mountTmpfs(TMPFS_MIB, 'bindery-fault-enospc-');
    const filler = join(tmpfs.dir, 'filler');
    writeFileSync(filler, Buffer.alloc(FILLER_MIB * 1024 * 1024, 1));
    const pages = Array.from({ length: EDGE_ROUNDS }, (_, i) => join(tmpfs!.dir, `page-${i}`));
    for (const page of pages) writeFileSync(page, Buffer.alloc(PAGE_BYTES, 1));
    const dataDir = join(tmpfs.dir, 'data');
    const port = await freePort();
    const start = () => startBroker({ dataDir, port, args: ['--partitions', String(PARTITIONS), '--config', 'segment.bytes=8388608', '--config', 'index.interval.bytes=0'] });
    broker = await start();
    let peakRss = 0;

    let sequence = 0;
    const padding = 'e'.repeat(VALUE_BYTES);
    const next = () => `enospc-${sequence++}-${padding}`;
    const nextSmall = () => `enospc-${sequence++}`;
    const acknowledged: Acknowledged[] = [];
    const client = (retries: number): Kafka => kafkaClient(broker!.bootstrap, 'fault-enospc', retries);

    // Fill the disk: no retries, so every failure the broker reports is counted once.
    const filling = client(0).producer({ retry: { retries: 0 } });
    await filling.connect();
    let failedSends = 0;
    let sends = 0;
    const sendLimit = Math.ceil((2 * TMPFS_MIB * 1024 * 1024) / (VALUE_BYTES * RECORDS_PER_SEND));
    while (failedSends < FAILURES_WHEN_FULL && sends < sendLimit) {
      const acked = await sendBatch(filling, sends++ % PARTITIONS, next);
      if (acked) acknowledged.push(...acked);
      else failedSends++;
    }
    const acknowledgedWhenFull = acknowledged.length;

    // At the edge of full: one page freed per round, small batches until one fails.
    let edgeAcknowledged = 0;
    let edgeFailures = 0;
    for (const page of pages) {
      unlinkSync(page);
      for (let i = 0; i < EDGE_SENDS_PER_ROUND; i++) {
        const acked = await sendBatch(filling, 0, nextSmall, 1);
        if (!acked) {
          edgeFailures++;
          break;
        }
        acknowledged.push(...acked);
        edgeAcknowledged++;
      }
    }
    await filling.disconnect();
    const freeWhenFull = statfsSync(tmpfs.dir).bavail * statfsSync(tmpfs.dir).bsize;
    peakRss = Math.max(peakRss, broker.peakRssBytes());

    // Free space: the broker must take writes again without a restart.
    unlinkSync(filler);
    const resumed = client(5).producer({ retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 1000 } });
    await resumed.connect();
    let acknowledgedAfterFree = 0;
    for (let i = 0; i < SENDS_AFTER_FREE; i++) {
      const acked = await sendBatch(resumed, i % PARTITIONS, next);
      if (acked) {
        acknowledged.push(...acked);
        acknowledgedAfterFree++;
      }
    }
    await resumed.disconnect();
    peakRss = Math.max(peakRss, broker.peakRssBytes());

    const stopCode = await broker.stop();
    broker = await start();
    const stored = await readTopic(broker.bootstrap, TOPIC, 60000);
    peakRss = Math.max(peakRss, broker.peakRssBytes());
    const counts = reconcile(acknowledged, stored.records);
    printSummary('enospc', {
      tmpfs: `${TMPFS_MIB}MiB`,
      filler: `${FILLER_MIB}MiB`,
      acknowledgedBeforeFull: acknowledgedWhenFull,
      failedSends,
      edgeRounds: EDGE_ROUNDS,
      edgeAcknowledged,
      edgeFailures,
      freeWhenFull: mib(freeWhenFull),
      sendsAfterFree: `${acknowledgedAfterFree}/${SENDS_AFTER_FREE}`,
      acknowledged: counts.acknowledged,
      found: counts.found,
      lost: counts.lost,
      duplicated: counts.duplicated,
      misplaced: counts.misplaced,
      storedRecords: stored.records.length,
      stopExit: String(stopCode),
      brokerPeakRss: mib(peakRss),
    });
    if (counts.lost + counts.misplaced > 0) process.stderr.write(`broker output after the restart:\n${broker.output().slice(-3000)}\n`);
    expect(failedSends).toBe(FAILURES_WHEN_FULL);
    expect(stored.complete).toBe(true);
    expect(counts).toEqual({ acknowledged: acknowledged.length, found: acknowledged.length, lost: 0, duplicated: 0, misplaced: 0 });
    expect(acknowledgedAfterFree).toBe(SENDS_AFTER_FREE);
    expect(stopCode).toBe(0);
    expect(await broker.stop()).toBe(0);
  }, 180000);
});
