/**
 * TransactionMarkerChannelManager's retries of a decided transaction: the wait doubles from the
 * initial backoff up to the maximum, a marker already written is not written again, the failure is
 * logged once, and shutdown stops the retries.
 */
import { ManualClock } from '../../../../src/broker/group/CoordinatorClock';
import type { CoordinatorRecord } from '../../../../src/broker/group/offsetsTopic/OffsetsPartitionStore';
import { fsError } from '../../../../src/broker/storage/FaultInjector';
import { TransactionMarkerChannelManager } from '../../../../src/broker/txn/TransactionMarkerChannelManager';
import { TransactionMetadata } from '../../../../src/broker/txn/TransactionMetadata';
import { TransactionState } from '../../../../src/broker/txn/TransactionState';
import { TransactionStateManager } from '../../../../src/broker/txn/TransactionStateManager';
import type { TxnLogAccess } from '../../../../src/broker/txn/types';
import type { TxnMarker } from '../../../../src/protocol/records/controlRecord';
import { CapturingLogger } from '../../../support/capturingLogger';
import { waitFor } from '../../../support/processes';

const START = 1_700_000_000_000;

/** One turn of the event loop: a try started by a timer has failed and rescheduled itself. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setUp() {
  const clock = new ManualClock(START);
  const appended: CoordinatorRecord[][] = [];
  const states = new TransactionStateManager({ append: (_p, records) => void appended.push(records), readAll: () => [] }, 1);
  /** Which partitions' marker writes fail, and every try with the clock's time. */
  const failing = new Set<string>(['out-1']);
  const tries: { partition: string; at: number }[] = [];
  const written: string[] = [];
  const log: TxnLogAccess = {
    partitionExists: () => true,
    writeMarker(topic: string, partition: number, _marker: TxnMarker) {
      const name = `${topic}-${partition}`;
      tries.push({ partition: name, at: clock.now() - START });
      if (failing.has(name)) throw fsError('ENOSPC', 'write', `/data/${name}/00000000000000000000.log`);
      written.push(name);
    },
    writeTxnOffsets: () => undefined,
    allocateProducerId: () => 99,
  };
  const logger = new CapturingLogger();
  const markersWritten: boolean[] = [];
  const markers = new TransactionMarkerChannelManager(states, log, clock, logger, { initialMs: 100, maxMs: 1000 }, (_m, commit) => markersWritten.push(commit));
  const m = new TransactionMetadata('tx', 7, 3, 60000, TransactionState.PrepareCommit, START, START);
  m.addPartitions([{ topic: 'out', partition: 0 }, { topic: 'out', partition: 1 }]);
  return { clock, states, failing, tries, written, logger, markersWritten, markers, m, appended };
}

describe('TransactionMarkerChannelManager retries', () => {
  it('waits 100, 200, 400, 800 ms and then 1000 ms between tries, writes each marker once, logs once, and completes once the write succeeds', async () => {
    const { clock, states, failing, tries, written, logger, markersWritten, markers, m } = setUp();
    await states.persist(m);
    expect(await markers.complete(m, true)).toBe(false);
    // Time moves in small steps; after each, the failed try reschedules itself before time moves on.
    for (let ms = 0; ms < 3600; ms += 50) {
      clock.advance(50);
      await settle();
    }
    expect(tries.filter((t) => t.partition === 'out-1').map((t) => t.at)).toEqual([0, 100, 300, 700, 1500, 2500, 3500]);
    expect(written).toEqual(['out-0']);
    expect(m.state).toBe(TransactionState.PrepareCommit);
    expect(logger.lines.filter((l) => l.startsWith('WARN'))).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/transactional id tx .*ENOSPC/);

    failing.clear();
    clock.advance(1000);
    await waitFor('the completion', () => m.state === TransactionState.CompleteCommit, 5000);
    expect(written).toEqual(['out-0', 'out-1']);
    expect(markersWritten).toEqual([true]);
    expect(clock.pending).toBe(0);
  });

  it('stops retrying at shutdown, leaving the transaction decided', async () => {
    const { clock, states, tries, markers, m } = setUp();
    await states.persist(m);
    expect(await markers.complete(m, true)).toBe(false);
    markers.shutdown();
    const before = tries.length;
    clock.advance(10_000);
    expect(tries.length).toBe(before);
    expect(clock.pending).toBe(0);
    expect(m.state).toBe(TransactionState.PrepareCommit);
  });
});
