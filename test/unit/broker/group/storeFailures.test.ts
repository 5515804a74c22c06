/**
 * A group's state that could not be written to `__consumer_offsets` is reported through the
 * coordinator's logger, with the group and the cause, instead of being swallowed.
 */
import { GroupCoordinator, ManualClock, MemoryOffsetsPartitionStore } from '../../../../src/broker/group';
import { ErrorCode } from '../../../../src/protocol/errorCodes';
import { CapturingLogger } from '../../../support/capturingLogger';
import { rebalance, settle, SimMember } from './simMember';

jest.setTimeout(15_000);

const TOPICS = new Map([['orders', 2]]);

async function coordinatorWithFailingStore() {
  const memory = new MemoryOffsetsPartitionStore();
  const store = { failing: false, append: (p: number, r: Parameters<MemoryOffsetsPartitionStore['append']>[1]) => (store.failing ? Promise.reject(new Error('disk full')) : memory.append(p, r)), readAll: (p: number) => memory.readAll(p) };
  const clock = new ManualClock();
  const logger = new CapturingLogger();
  const coordinator = new GroupCoordinator({ store, clock, logger, config: { initialRebalanceDelayMs: 0, minSessionTimeoutMs: 1000 } });
  await coordinator.startup();
  return { store, clock, logger, coordinator };
}

describe('group store write failures', () => {
  it('logs a failed write of the leader’s assignment, and the members are told to retry', async () => {
    const { store, clock, logger, coordinator } = await coordinatorWithFailingStore();
    store.failing = true;
    const a = new SimMember(coordinator, 'billing', ['orders']);
    await expect(rebalance([a], TOPICS, clock)).rejects.toThrow(`sync failed: ${ErrorCode.COORDINATOR_NOT_AVAILABLE}`);
    expect(logger.lines).toContainEqual(expect.stringMatching(/^WARN group billing: .*could not be written.*disk full/));
  });

  it('logs a failed write of a group that became empty', async () => {
    const { store, clock, logger, coordinator } = await coordinatorWithFailingStore();
    const a = new SimMember(coordinator, 'billing', ['orders']);
    await rebalance([a], TOPICS, clock);
    store.failing = true;
    expect(a.leave()).toBe(ErrorCode.NONE);
    await settle();
    expect(logger.lines).toContainEqual(expect.stringMatching(/^WARN group billing: .*could not be written.*disk full/));
  });
});
