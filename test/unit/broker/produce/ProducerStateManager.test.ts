import { ProducerStateManager, lastSequence, BATCHES_PER_PRODUCER } from '../../../../src/broker/produce/ProducerStateManager';
import { BrokerRequestError } from '../../../../src/broker/BrokerRequestError';
import { ErrorCode } from '../../../../src/protocol/errorCodes';

function codeOf(fn: () => unknown): number | null {
  try {
    fn();
    return null;
  } catch (err) {
    return (err as BrokerRequestError).errorCode;
  }
}

/** Appends a batch of `count` records at `offset` the way the produce path does. */
function appendBatch(state: ProducerStateManager, pid: number, epoch: number, firstSeq: number, count: number, offset: number) {
  const batch = { producerId: pid, epoch, firstSeq, lastSeq: lastSequence(firstSeq, count - 1) };
  const check = state.check(batch);
  if (check.kind === 'append') state.update(pid, epoch, { firstSeq, lastSeq: batch.lastSeq, firstOffset: offset, lastOffset: offset + count - 1, maxTimestamp: 0 });
  return check;
}

describe('ProducerStateManager', () => {
  it('accepts a new producer starting at sequence 0 and then consecutive sequences', () => {
    const s = new ProducerStateManager();
    expect(appendBatch(s, 7, 0, 0, 3, 0).kind).toBe('append');
    expect(appendBatch(s, 7, 0, 3, 2, 3).kind).toBe('append');
    expect(s.entry(7)?.batches.map((b) => [b.firstSeq, b.lastSeq])).toEqual([
      [0, 2],
      [3, 4],
    ]);
  });

  it('answers a retried batch with the offsets it was first appended at', () => {
    const s = new ProducerStateManager();
    appendBatch(s, 7, 0, 0, 3, 100);
    appendBatch(s, 7, 0, 3, 2, 103);
    const retry = appendBatch(s, 7, 0, 0, 3, 999);
    expect(retry).toEqual({ kind: 'duplicate', original: expect.objectContaining({ firstOffset: 100, lastOffset: 102 }) });
  });

  it('refuses a gap, a first batch not at 0, and a stale epoch', () => {
    const s = new ProducerStateManager();
    expect(codeOf(() => appendBatch(s, 7, 0, 5, 1, 0))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    appendBatch(s, 7, 1, 0, 1, 0);
    expect(codeOf(() => appendBatch(s, 7, 1, 2, 1, 1))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(codeOf(() => appendBatch(s, 7, 0, 1, 1, 1))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('starts over at sequence 0 when the epoch is bumped, and refuses a new epoch not starting at 0', () => {
    const s = new ProducerStateManager();
    appendBatch(s, 7, 0, 0, 10, 0);
    expect(codeOf(() => appendBatch(s, 7, 1, 10, 1, 10))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(appendBatch(s, 7, 1, 0, 1, 10).kind).toBe('append');
    expect(s.entry(7)?.epoch).toBe(1);
    expect(s.entry(7)?.batches).toHaveLength(1);
  });

  it('remembers the last five batches only', () => {
    const s = new ProducerStateManager();
    for (let i = 0; i < 8; i++) appendBatch(s, 1, 0, i, 1, i);
    expect(s.entry(1)?.batches.map((b) => b.firstSeq)).toEqual([3, 4, 5, 6, 7]);
    expect(BATCHES_PER_PRODUCER).toBe(5);
    // A retry older than the remembered window is no longer recognisable: it is out of order.
    expect(codeOf(() => appendBatch(s, 1, 0, 1, 1, 99))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('wraps sequences after 2^31-1', () => {
    expect(lastSequence(2147483646, 3)).toBe(1);
    const s = new ProducerStateManager();
    s.load([{ producerId: 3, epoch: 0, batches: [{ firstSeq: 2147483640, lastSeq: 2147483647, firstOffset: 0, lastOffset: 7, maxTimestamp: 0 }] }]);
    expect(appendBatch(s, 3, 0, 0, 1, 8).kind).toBe('append');
  });

  it('checks several batches of one request against each other', () => {
    const s = new ProducerStateManager();
    const pending = [{ firstSeq: 0, lastSeq: 1, firstOffset: -1, lastOffset: -1, maxTimestamp: -1 }];
    expect(s.check({ producerId: 9, epoch: 0, firstSeq: 0, lastSeq: 1 }).kind).toBe('append');
    expect(s.check({ producerId: 9, epoch: 0, firstSeq: 2, lastSeq: 2 }, pending).kind).toBe('append');
    expect(codeOf(() => s.check({ producerId: 9, epoch: 0, firstSeq: 3, lastSeq: 3 }, pending))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('forgets producers whose newest batch is older than the expiration horizon', () => {
    const s = new ProducerStateManager();
    s.update(1, 0, { firstSeq: 0, lastSeq: 0, firstOffset: 0, lastOffset: 0, maxTimestamp: 1000 });
    s.update(2, 0, { firstSeq: 0, lastSeq: 0, firstOffset: 1, lastOffset: 1, maxTimestamp: 5000 });
    expect(s.expire(2000)).toBe(1);
    expect(s.entry(1)).toBeUndefined();
    expect(s.entry(2)).toBeDefined();
  });

  it('round-trips through its snapshot form', () => {
    const s = new ProducerStateManager();
    appendBatch(s, 4, 2, 0, 5, 50);
    const copy = new ProducerStateManager();
    copy.load(JSON.parse(JSON.stringify(s.toJSON())));
    expect(appendBatch(copy, 4, 2, 0, 5, 0)).toEqual({ kind: 'duplicate', original: expect.objectContaining({ firstOffset: 50 }) });
    expect(appendBatch(copy, 4, 2, 5, 1, 55).kind).toBe('append');
  });
});
