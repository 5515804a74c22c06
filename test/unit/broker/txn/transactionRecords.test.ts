import { decodeAbortedTxns, encodeAbortedTxn } from '../../../../src/broker/log/TransactionIndex';
import { decodeTransactionLogKey, decodeTransactionLogValue, encodeTransactionLogKey, encodeTransactionLogValue, transactionLogPartitionFor } from '../../../../src/broker/txn/TransactionLog';
import { IllegalTransactionStateError, TransactionMetadata } from '../../../../src/broker/txn/TransactionMetadata';
import { TransactionState } from '../../../../src/broker/txn/TransactionState';

describe('transaction records in Kafka layouts', () => {
  it('writes an aborted-transaction index entry as Kafka does: 34 bytes, version 0 first', () => {
    const entry = { producerId: 7, firstOffset: 100, lastOffset: 105, lastStableOffset: 106 };
    const bytes = encodeAbortedTxn(entry);
    expect(bytes.length).toBe(34);
    expect(bytes.readInt16BE(0)).toBe(0);
    expect(bytes.readBigInt64BE(2)).toBe(7n);
    expect(bytes.readBigInt64BE(26)).toBe(106n);
    // A torn entry after a whole one (a crash mid-write) is ignored.
    expect(decodeAbortedTxns(Buffer.concat([bytes, bytes.subarray(0, 20)]))).toEqual([entry]);
  });

  it('round-trips __transaction_state keys and values, and places an id as Kafka does', () => {
    const m = new TransactionMetadata('orders-tx', 12, 3, 60000, TransactionState.Ongoing, 1000, 2000);
    m.addPartitions([{ topic: 'orders', partition: 2 }, { topic: 'orders', partition: 0 }, { topic: 'audit', partition: 1 }]);
    const key = encodeTransactionLogKey('orders-tx');
    expect(key.readInt16BE(0)).toBe(0);
    expect(decodeTransactionLogKey(key)).toBe('orders-tx');
    const back = decodeTransactionLogValue('orders-tx', encodeTransactionLogValue(m));
    expect([back.producerId, back.producerEpoch, back.txnTimeoutMs, back.state, back.txnStartTimestamp, back.txnLastUpdateTimestamp]).toEqual([12, 3, 60000, TransactionState.Ongoing, 1000, 2000]);
    expect(back.partitionsByTopic()).toEqual([{ topic: 'orders', partitions: [0, 2] }, { topic: 'audit', partitions: [1] }]);
    // Math.abs("orders-tx".hashCode()) % 50 printed by Java 17.
    expect(transactionLogPartitionFor('orders-tx', 50)).toBe(48);
  });

  it('writes value version 1 (flexible, with the producer ids and client transaction version as tagged fields) and reads both versions', () => {
    const m = new TransactionMetadata('tv2-tx', 40, 32767, 60000, TransactionState.PrepareCommit, 1000, 2000);
    m.addPartitions([{ topic: 'orders', partition: 1 }]);
    m.nextProducerId = 41;
    m.prevProducerId = 39;
    m.clientTransactionVersion = 2;
    const v1 = encodeTransactionLogValue(m, 1);
    expect(v1.readInt16BE(0)).toBe(1);
    const back = decodeTransactionLogValue('tv2-tx', v1);
    expect([back.producerId, back.producerEpoch, back.state, back.nextProducerId, back.prevProducerId, back.clientTransactionVersion]).toEqual([40, 32767, TransactionState.PrepareCommit, 41, 39, 2]);
    expect(back.partitionsByTopic()).toEqual([{ topic: 'orders', partitions: [1] }]);
    // Version 0 has no room for them: a value written before transactions version 2 loads with the defaults.
    const v0 = decodeTransactionLogValue('tv2-tx', encodeTransactionLogValue(m, 0));
    expect([v0.producerId, v0.nextProducerId, v0.prevProducerId, v0.clientTransactionVersion]).toEqual([40, -1, -1, 0]);
  });

  it('refuses a state change the state machine does not allow', () => {
    const m = new TransactionMetadata('t', 1, 0, 1000, TransactionState.Empty, -1, 0);
    expect(() => m.transitionTo(TransactionState.PrepareCommit, 1)).toThrow(IllegalTransactionStateError);
    m.transitionTo(TransactionState.Ongoing, 5);
    expect(m.txnStartTimestamp).toBe(5);
    m.addPartitions([{ topic: 'a', partition: 0 }]);
    m.transitionTo(TransactionState.PrepareCommit, 6);
    m.transitionTo(TransactionState.CompleteCommit, 7);
    expect(m.partitions.size).toBe(0);
  });
});
