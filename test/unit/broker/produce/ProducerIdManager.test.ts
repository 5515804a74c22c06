import { ProducerIdManager, PRODUCER_ID_BLOCK_SIZE, type ProducerIdState } from '../../../../src/broker/produce/ProducerIdManager';
import { ErrorCode } from '../../../../src/protocol/errorCodes';

describe('ProducerIdManager', () => {
  function manager(state: ProducerIdState = { nextBlockStart: 0, transactional: {} }) {
    const saved: string[] = [];
    const m = new ProducerIdManager(state, () => saved.push(JSON.stringify(state)));
    return { m, state, saved };
  }

  it('gives every new idempotent producer a new id at epoch 0', () => {
    const { m } = manager();
    const a = m.initProducerId({});
    const b = m.initProducerId({ transactionalId: null });
    expect([a.errorCode, a.producerEpoch, b.errorCode, b.producerEpoch]).toEqual([0, 0, 0, 0]);
    expect(b.producerId).not.toBe(a.producerId);
  });

  it('persists a block before handing out its ids, so a restart never reuses one', () => {
    const { m, state, saved } = manager();
    const ids = new Set<number>();
    for (let i = 0; i < PRODUCER_ID_BLOCK_SIZE + 1; i++) ids.add(m.initProducerId({}).producerId);
    expect(saved.length).toBe(2);
    const restarted = new ProducerIdManager(JSON.parse(saved[saved.length - 1]), () => {});
    const next = restarted.initProducerId({}).producerId;
    expect(ids.has(next)).toBe(false);
    expect(state.nextBlockStart).toBe(2 * PRODUCER_ID_BLOCK_SIZE);
  });

  it('bumps the epoch when a known producer re-initialises with its id and epoch', () => {
    const { m } = manager();
    const first = m.initProducerId({});
    const bumped = m.initProducerId({ producerId: first.producerId, producerEpoch: 0 });
    expect(bumped).toMatchObject({ errorCode: 0, producerId: first.producerId, producerEpoch: 1 });
    const stale = m.initProducerId({ producerId: first.producerId, producerEpoch: 0 });
    expect(stale.errorCode).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('keeps a transactional id on one producer id and bumps its epoch each time', () => {
    const { m, state } = manager();
    const a = m.initProducerId({ transactionalId: 'tx-1' });
    const b = m.initProducerId({ transactionalId: 'tx-1' });
    expect(b).toMatchObject({ producerId: a.producerId, producerEpoch: a.producerEpoch + 1 });
    expect(state.transactional['tx-1']).toEqual({ producerId: a.producerId, epoch: 1 });
  });
});
