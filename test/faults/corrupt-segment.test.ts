/**
 * A corrupt byte in a closed segment. Enough records to roll several small segments, kill -9 of
 * the broker, then bytes flipped inside one batch of an early closed segment (inside a record's
 * value, so the batch still parses but its CRC no longer matches). The offline verifier
 * (`bindery verify-data-dir --data-dir <dir>`) must report that batch by file and offset and exit 1; after a
 * restart every acknowledged record outside the damaged batch is still served, unchanged, at its
 * offset: recovery must not throw away the healthy segments behind the damage.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordMetadata } from 'kafkajs';
import { run } from '../support/processes';
import { CLI, freePort, killAllBrokers, startBroker, type BrokerProcess } from './support/brokerProcess';
import { kafkaClient, readTopic, reconcile, type Acknowledged } from './support/readBack';
import { batchesOf, checkpointedRecoveryPoint, segmentFiles } from './support/segmentFiles';
import { mib, printSummary, waitUntil } from './support/summary';

const TOPIC = 'scroll';
const SEGMENT_BYTES = 65536;
const RECORDS = 6000;
const RECORDS_PER_SEND = 50;
/** How long the broker gets to checkpoint a recovery point past the rolled segments before the crash. */
const RECOVERY_POINT_WAIT_MS = 15000;

describe('fault: a corrupt byte in a closed segment', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bindery-fault-corrupt-'));
  let broker: BrokerProcess | undefined;

  afterAll(async () => {
    await killAllBrokers();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60000);

  it('is reported by the verifier, and costs only the damaged batch after a crash and restart', async () => {
    const port = await freePort();
    const start = () => startBroker({ dataDir, port, args: ['--config', `segment.bytes=${SEGMENT_BYTES}`] });
    broker = await start();
    const producer = kafkaClient(broker.bootstrap, 'fault-corrupt').producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const acknowledged: Acknowledged[] = [];
    const padding = 'x'.repeat(80);
    for (let first = 0; first < RECORDS; first += RECORDS_PER_SEND) {
      const values = Array.from({ length: RECORDS_PER_SEND }, (_, i) => `scroll-${first + i}-${padding}`);
      const [meta]: RecordMetadata[] = await producer.send({ topic: TOPIC, acks: -1, messages: values.map((value) => ({ value })) });
      values.forEach((value, i) => acknowledged.push({ partition: 0, offset: Number(meta.baseOffset) + i, value }));
    }
    await producer.disconnect();

    const partitionDir = join(dataDir, `${TOPIC}-0`);
    const segments = segmentFiles(partitionDir);
    expect(segments.length).toBeGreaterThanOrEqual(4);
    const damagedSegment = segments[1];
    // A segment rolled long ago is flushed and behind the recovery point (Kafka flushes on roll).
    const pastDamage = segments[2].baseOffset;
    const recoveryPointPastDamage = await waitUntil('a recovery point past the damaged segment', () => checkpointedRecoveryPoint(dataDir, TOPIC, 0) >= pastDamage, RECOVERY_POINT_WAIT_MS, 200).then(
      () => true,
      () => false,
    );
    const peakRss = broker.peakRssBytes();
    await broker.kill9();

    const bytes = readFileSync(damagedSegment.path);
    const batches = batchesOf(bytes);
    const damaged = batches[Math.floor(batches.length / 2)];
    // The last byte of a batch is its last record's header count; the bytes before it are that
    // record's value, so the batch still parses while its CRC no longer matches.
    for (let at = damaged.position + damaged.size - 9; at < damaged.position + damaged.size - 1; at++) bytes[at] ^= 0x01;
    writeFileSync(damagedSegment.path, bytes);

    const verify = await run(process.execPath, [CLI, 'verify-data-dir', '--data-dir', dataDir], { timeoutMs: 60000 });
    const verifierOutput = verify.stdout + verify.stderr;
    const verifierReported = verify.code === 1 && verifierOutput.includes(damagedSegment.name) && new RegExp(`\\b${damaged.baseOffset}\\b`).test(verifierOutput);

    broker = await start();
    const stored = await readTopic(broker.bootstrap, TOPIC, 60000);
    const inDamagedBatch = (a: Acknowledged) => a.offset >= damaged.baseOffset && a.offset <= damaged.lastOffset;
    const counts = reconcile(acknowledged.filter((a) => !inDamagedBatch(a)), stored.records);
    printSummary('corrupt-segment', {
      segments: segments.length,
      damagedSegment: damagedSegment.name,
      damagedBatch: `${damaged.baseOffset}-${damaged.lastOffset}`,
      acknowledged: acknowledged.length,
      damagedRecords: acknowledged.filter(inDamagedBatch).length,
      found: counts.found,
      lost: counts.lost,
      duplicated: counts.duplicated,
      misplaced: counts.misplaced,
      storedRecords: stored.records.length,
      recoveryPointPastDamage,
      verifierReported,
      brokerPeakRss: mib(Math.max(peakRss, broker.peakRssBytes())),
    });
    if (counts.lost > 0) process.stderr.write(`broker output after the restart:\n${broker.output().slice(-3000)}\n`);
    expect(stored.complete).toBe(true);
    expect({ lost: counts.lost, misplaced: counts.misplaced, duplicated: counts.duplicated }).toEqual({ lost: 0, misplaced: 0, duplicated: 0 });
    if (!verifierReported) throw new Error(`bindery verify-data-dir did not report ${damagedSegment.name} at offset ${damaged.baseOffset} (exit ${verify.code}):\n${verifierOutput.slice(-2000)}`);
    expect(await broker.stop()).toBe(0);
  }, 180000);
});
