/**
 * Kafka's `transaction.version` feature as ApiVersions v3+ reports it (KIP-584 features, KIP-890):
 * the levels this broker supports and the level it runs (the transaction.version setting). Java
 * clients 4.x run transactions version 2 when the finalized level is 2 or more; below that, the
 * request versions only such producers send are neither advertised nor served, so every client
 * sees the broker it saw before KIP-890.
 */
import { ApiKey } from '../../protocol/generated/apiKeys';
import type { ApiHandler } from './types';

export const TRANSACTION_VERSION_FEATURE = 'transaction.version';
export const MAX_SUPPORTED_TRANSACTION_VERSION = 2;

export interface FeatureLevels {
  supported: { name: string; minVersion: number; maxVersion: number }[];
  /** Kafka's metadata offset of the finalization; clients take features only from an epoch of 0 or more. */
  finalizedEpoch: number;
  finalized: { name: string; minVersionLevel: number; maxVersionLevel: number }[];
}

export function transactionFeatureLevels(level: number): FeatureLevels {
  return {
    supported: [{ name: TRANSACTION_VERSION_FEATURE, minVersion: 0, maxVersion: MAX_SUPPORTED_TRANSACTION_VERSION }],
    finalizedEpoch: 0,
    // Level 0 is the absence of the feature, as Kafka reports it.
    finalized: level > 0 ? [{ name: TRANSACTION_VERSION_FEATURE, minVersionLevel: level, maxVersionLevel: level }] : [],
  };
}

/** The last version before transactions version 2's (Produce v12, EndTxn v5, TxnOffsetCommit v5). */
const BEFORE_VERSION_2: ReadonlyMap<number, number> = new Map([
  [ApiKey.Produce, 11],
  [ApiKey.EndTxn, 4],
  [ApiKey.TxnOffsetCommit, 4],
]);

/** The handlers as served at this level: below 2, those of Produce, EndTxn and TxnOffsetCommit end at their version-1 versions. */
export function withTransactionVersionCaps<S>(handlers: readonly ApiHandler<S>[], level: number): ApiHandler<S>[] {
  if (level >= 2) return [...handlers];
  return handlers.map((h) => {
    const cap = BEFORE_VERSION_2.get(h.apiKey);
    return cap === undefined || h.maxVersion <= cap ? h : { ...h, maxVersion: cap };
  });
}
