/**
 * transactional.id.expiration.ms, as Kafka's TransactionStateManager applies it: a transactional id
 * with no transaction open and no update for that long is removed (a tombstone in
 * `__transaction_state`, so it stays removed across a restart); its next InitProducerId starts afresh.
 */
import { Broker } from '../../../src/broker/Broker';
import { ManualClock } from '../../../src/broker/group/CoordinatorClock';
import { MemoryFileSystem } from '../../../src/broker/storage/MemoryFileSystem';
import { ErrorCode } from '../../../src/protocol/errorCodes';
import { waitFor } from '../../support/processes';

const EXPIRATION_MS = 60_000;
const config = { transactionalIdExpirationMs: EXPIRATION_MS, transactionRemoveExpiredTransactionCleanupIntervalMs: 10_000 };
const TXN_TIMEOUT_MS = 900_000;

describe('transactional.id.expiration.ms', () => {
  let broker: Broker;
  afterEach(async () => broker?.close());

  it('removes an idle transactional id, keeping busy ones and ones with a transaction open', async () => {
    const fs = new MemoryFileSystem();
    const clock = new ManualClock();
    broker = await Broker.open({ fs, dataDir: '/data', clock, config });
    await broker.createTopics({ topics: [{ name: 'out', numPartitions: 1 }] });
    const txns = broker.transactions;
    const init = (transactionalId: string) => txns.initProducerId({ transactionalId, transactionTimeoutMs: TXN_TIMEOUT_MS });
    const idle = await init('tx-idle');
    await init('tx-busy');
    const open = await init('tx-open');
    const added = await txns.addPartitions({ transactionalId: 'tx-open', producerId: open.producerId, producerEpoch: open.producerEpoch }, [{ name: 'out', partitions: [0] }]);
    expect(added[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    const known = () => broker.transactions.describe(['tx-idle', 'tx-busy', 'tx-open']).map((d) => [d.transactionalId, d.errorCode === ErrorCode.NONE]);

    clock.advance(EXPIRATION_MS - 20_000);
    await init('tx-busy');
    expect(known()).toEqual([
      ['tx-idle', true],
      ['tx-busy', true],
      ['tx-open', true],
    ]);

    clock.advance(30_000);
    await waitFor('the idle transactional id removed', () => broker.transactions.describe(['tx-idle'])[0].errorCode === ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, 10_000);
    expect(known()).toEqual([
      ['tx-idle', false],
      ['tx-busy', true],
      ['tx-open', true],
    ]);
    await broker.close();

    broker = await Broker.open({ fs, dataDir: '/data', clock: new ManualClock(clock.now()), config });
    expect(broker.transactions.describe(['tx-idle'])[0].errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    expect(broker.transactions.describe(['tx-busy'])[0].errorCode).toBe(ErrorCode.NONE);
    const again = await broker.transactions.initProducerId({ transactionalId: 'tx-idle', transactionTimeoutMs: TXN_TIMEOUT_MS });
    expect(again.errorCode).toBe(ErrorCode.NONE);
    expect(again.producerId).not.toBe(idle.producerId);
    expect(again.producerEpoch).toBe(0);
  });
});
