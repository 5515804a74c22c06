/**
 * The transaction coordinator of this single node (Kafka's TransactionCoordinator): it owns every
 * partition of `__transaction_state`, so it coordinates every transactional id. InitProducerId
 * bumps the epoch of a transactional id (fencing the older producer, whose open transaction is
 * aborted), AddPartitionsToTxn / AddOffsetsToTxn open a transaction, EndTxn decides it: the
 * decision (PrepareCommit / PrepareAbort) is written to `__transaction_state` first, then the
 * markers to every partition of the transaction, then the completion (TransactionMarkerChannelManager,
 * which retries them when they fail). A change whose write to `__transaction_state` fails is
 * undone and answered with Kafka's coordinator error. A transaction left open past its timeout is
 * aborted with a bumped epoch, so its producer is fenced.
 *
 *   const txns = new TransactionCoordinator(states, log, groups, config);
 *   await txns.startup();   // loads the state, completes decided transactions, starts the timeout check
 */
import { ErrorCode, errorName } from '../../protocol/errorCodes';
import { toErrorResult } from '../BrokerRequestError';
import type { CoordinatorClock, TimerHandle } from '../group/CoordinatorClock';
import type { CommittedOffset } from '../group/offsetsTopic/OffsetsStore';
import type { Logger } from '../../logging';
import { CONSUMER_OFFSETS_TOPIC } from '../topics/topicName';
import { decideEndTxnV1, decideEndTxnV2 } from './endTxnDecision';
import { describeTransactions, listTransactions } from './transactionListing';
import { MAX_PRODUCER_EPOCH, TransactionMetadata, type TopicPartitionRef } from './TransactionMetadata';
import { TransactionMarkerChannelManager, type MarkerRetryBackoff } from './TransactionMarkerChannelManager';
import { TransactionState } from './TransactionState';
import type { TransactionStateManager } from './TransactionStateManager';
import { transactionLogAppendError } from './transactionLogAppendError';
import type * as T from './types';

export interface TransactionCoordinatorConfig {
  /** transaction.max.timeout.ms */
  transactionMaxTimeoutMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms */
  abortTimedOutTransactionCleanupIntervalMs: number;
  /** transactional.id.expiration.ms */
  transactionalIdExpirationMs: number;
  /** transaction.remove.expired.transaction.cleanup.interval.ms */
  removeExpiredTransactionalIdsIntervalMs: number;
  /** transaction.version: the finalized level (2 lets producers add partitions implicitly and bump the epoch per transaction). */
  transactionVersion: number;
  /** Waits between tries of a decided transaction's marker and completion writes that failed. */
  markerRetryBackoff: MarkerRetryBackoff;
}


const S = TransactionState;

export class TransactionCoordinator {
  /** Offsets of open transactions, visible only once their transaction commits: producer id → group → offsets. */
  private readonly pendingOffsets = new Map<number, Map<string, CommittedOffset[]>>();
  private timer: TimerHandle | null = null;
  private expirationTimer: TimerHandle | null = null;
  private running = false;
  private readonly markers: TransactionMarkerChannelManager;

  constructor(
    readonly states: TransactionStateManager,
    private readonly log: T.TxnLogAccess,
    private readonly groups: T.TxnGroupOffsets,
    private readonly config: TransactionCoordinatorConfig,
    private readonly clock: CoordinatorClock,
    private readonly logger: Logger,
  ) {
    this.markers = new TransactionMarkerChannelManager(states, log, clock, logger, config.markerRetryBackoff, (m, commit) => this.markersWritten(m, commit));
  }

  /** Loads `__transaction_state`, completes transactions decided before a restart, starts the timeout check. */
  async startup(): Promise<void> {
    await this.states.load();
    for (const m of this.states.all()) {
      if (m.state === S.PrepareCommit || m.state === S.PrepareAbort) await this.markers.complete(m, m.state === S.PrepareCommit);
    }
    this.running = true;
    this.scheduleTimeoutCheck();
    this.scheduleExpiration();
  }

  shutdown(): void {
    this.running = false;
    this.markers.shutdown();
    this.timer?.cancel();
    this.timer = null;
    this.expirationTimer?.cancel();
    this.expirationTimer = null;
  }

  partitionFor(transactionalId: string): number {
    return this.states.partitionFor(transactionalId);
  }

  /** The finalized transaction.version level this coordinator runs. */
  get transactionVersion(): number {
    return this.config.transactionVersion;
  }

  // ---- InitProducerId ----

  async initProducerId(req: T.InitTxnProducerRequest): Promise<T.InitTxnProducerResponse> {
    const fail = (errorCode: number, errorMessage: string): T.InitTxnProducerResponse => ({ errorCode, errorMessage, producerId: -1, producerEpoch: -1 });
    if (req.transactionalId === '') return fail(ErrorCode.INVALID_REQUEST, 'the transactional id is empty');
    if (req.transactionTimeoutMs <= 0 || req.transactionTimeoutMs > this.config.transactionMaxTimeoutMs) {
      return fail(
        ErrorCode.INVALID_TRANSACTION_TIMEOUT,
        `transaction timeout ${req.transactionTimeoutMs} ms is outside (0, ${this.config.transactionMaxTimeoutMs}] (transaction.max.timeout.ms): lower transaction.timeout.ms`,
      );
    }
    const now = this.clock.now();
    const existing = this.states.get(req.transactionalId);
    try {
      if (!existing) {
        const m = new TransactionMetadata(req.transactionalId, this.log.allocateProducerId(), 0, req.transactionTimeoutMs, S.Empty, -1, now);
        await this.states.persist(m);
        return { errorCode: ErrorCode.NONE, errorMessage: null, producerId: m.producerId, producerEpoch: m.producerEpoch };
      }
      const expectedId = req.producerId ?? -1;
      const expectedEpoch = req.producerEpoch ?? -1;
      if (expectedId >= 0) {
        const retried = expectedId === existing.producerId && expectedEpoch === existing.lastProducerEpoch && existing.state === S.Empty;
        if (retried) return { errorCode: ErrorCode.NONE, errorMessage: null, producerId: existing.producerId, producerEpoch: existing.producerEpoch };
        if (expectedId !== existing.producerId || expectedEpoch !== existing.producerEpoch) {
          return fail(ErrorCode.PRODUCER_FENCED, `producer ${expectedId} epoch ${expectedEpoch} is no longer the producer of transactional id ${req.transactionalId}`);
        }
      }
      if (existing.state === S.PrepareCommit || existing.state === S.PrepareAbort || existing.state === S.Dead) {
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS, `transactional id ${req.transactionalId} is completing a transaction or being removed: retry`);
      }
      const before = existing.producerEpoch;
      if (existing.state === S.Ongoing) {
        // A new instance fences the one with the open transaction: its transaction aborts under a bumped epoch.
        if (!(await this.fenceAndAbort(existing))) {
          return fail(ErrorCode.CONCURRENT_TRANSACTIONS, `the open transaction of transactional id ${req.transactionalId} is being aborted: retry`);
        }
      }
      const restore = existing.snapshot();
      try {
        this.bumpEpoch(existing);
        existing.lastProducerEpoch = expectedId >= 0 && existing.producerId === expectedId ? before : -1;
        existing.txnTimeoutMs = req.transactionTimeoutMs;
        existing.transitionTo(S.Empty, now);
        await this.states.persist(existing);
      } catch (err) {
        restore();
        throw err;
      }
      return { errorCode: ErrorCode.NONE, errorMessage: null, producerId: existing.producerId, producerEpoch: existing.producerEpoch };
    } catch (err) {
      return { ...this.requestFailed('InitProducerId', req.transactionalId, err), producerId: -1, producerEpoch: -1 };
    }
  }

  private bumpEpoch(m: TransactionMetadata): void {
    if (m.isEpochExhausted) {
      m.producerId = this.log.allocateProducerId();
      m.producerEpoch = 0;
    } else {
      m.producerEpoch += 1;
    }
  }

  /**
   * Aborts the open transaction of a producer being fenced. Throws (the transaction left open)
   * when the decision cannot be written; false when it is decided but its completion is retried.
   */
  private async fenceAndAbort(m: TransactionMetadata): Promise<boolean> {
    const restore = m.snapshot();
    try {
      this.prepareFencedAbort(m);
      await this.states.persist(m);
    } catch (err) {
      restore();
      throw err;
    }
    return this.markers.complete(m, false);
  }

  private prepareFencedAbort(m: TransactionMetadata): void {
    if (m.isEpochExhausted) {
      // The old id's epoch cannot grow: its transaction aborts under the last epoch, a new id follows.
      m.transitionTo(S.PrepareAbort, this.clock.now());
    } else {
      m.transitionTo(S.PrepareEpochFence, this.clock.now());
      // Under transactions version 2 the abort bumps the epoch once more (as every EndTxn does), so the
      // fenced producer's own EndTxn, one epoch behind the fence, is not taken for a retry of this abort.
      m.producerEpoch = Math.min(m.producerEpoch + (m.clientTransactionVersion >= 2 ? 2 : 1), MAX_PRODUCER_EPOCH);
      m.transitionTo(S.PrepareAbort, this.clock.now());
    }
  }

  /** A request whose change could not be written (or made): reported, and answered as Kafka answers a failed `__transaction_state` append. */
  private requestFailed(what: string, transactionalId: string, err: unknown): { errorCode: number; errorMessage: string } {
    const answer = transactionLogAppendError(err);
    this.logger.warn(`${what} of transactional id ${transactionalId} failed and is answered ${errorName(answer.errorCode)} (the client retries): ${answer.errorMessage}`);
    return answer;
  }

  // ---- checks shared by the requests of a producer ----

  /** NONE when this producer is the current one of its transactional id, else the code Kafka answers. */
  private producerError(m: TransactionMetadata | undefined, p: T.TxnProducer): number {
    if (!m || m.producerId !== p.producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (m.producerEpoch !== p.producerEpoch) return ErrorCode.PRODUCER_FENCED;
    return ErrorCode.NONE;
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn ----

  async addPartitions(p: T.TxnProducer, topics: { name: string; partitions: number[] }[]): Promise<T.AddPartitionsResult[]> {
    const every = (code: number): T.AddPartitionsResult[] => topics.map((t) => ({ topic: t.name, partitions: t.partitions.map((partition) => ({ partition, errorCode: code })) }));
    const m = this.states.get(p.transactionalId);
    const refused = this.producerError(m, p);
    if (refused !== ErrorCode.NONE || !m) return every(refused);
    if (m.state === S.PrepareCommit || m.state === S.PrepareAbort) return every(ErrorCode.CONCURRENT_TRANSACTIONS);
    const unknown = new Set<string>();
    for (const t of topics) for (const partition of t.partitions) if (!this.log.partitionExists(t.name, partition)) unknown.add(`${t.name}\u0000${partition}`);
    if (unknown.size > 0) {
      return topics.map((t) => ({
        topic: t.name,
        partitions: t.partitions.map((partition) => ({
          partition,
          errorCode: unknown.has(`${t.name}\u0000${partition}`) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED,
        })),
      }));
    }
    m.clientTransactionVersion = 0;
    const code = await this.addToTransaction(
      m,
      topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition }))),
    );
    return every(code);
  }

  /**
   * Transactions version 2: a Produce v12+ (or TxnOffsetCommit v5) adds its partitions to the
   * producer's transaction itself, starting one when none is open (Kafka's AddPartitionsToTxn sent
   * by the partition leader). NONE, or the code the request's partitions get.
   */
  async addPartitionsImplicitly(p: T.TxnProducer, parts: TopicPartitionRef[]): Promise<number> {
    if (this.config.transactionVersion < 2) return ErrorCode.INVALID_TXN_STATE;
    const m = this.states.get(p.transactionalId);
    const refused = this.producerError(m, p);
    if (refused !== ErrorCode.NONE || !m) return refused;
    if (m.state === S.PrepareCommit || m.state === S.PrepareAbort) return ErrorCode.CONCURRENT_TRANSACTIONS;
    m.clientTransactionVersion = 2;
    return this.addToTransaction(m, parts);
  }

  /** AddPartitionsToTxn v4+ with VerifyOnly: whether each partition is in the producer's open transaction (changes nothing). */
  verifyPartitions(p: T.TxnProducer, topics: { name: string; partitions: number[] }[]): T.AddPartitionsResult[] {
    const m = this.states.get(p.transactionalId);
    const refused = this.producerError(m, p);
    return topics.map((t) => ({
      topic: t.name,
      partitions: t.partitions.map((partition) => ({
        partition,
        errorCode: refused !== ErrorCode.NONE ? refused : m?.state === S.Ongoing && m.hasPartition(t.name, partition) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE,
      })),
    }));
  }

  async addOffsets(p: T.TxnProducer, groupId: string): Promise<number> {
    const m = this.states.get(p.transactionalId);
    const refused = this.producerError(m, p);
    if (refused !== ErrorCode.NONE || !m) return refused;
    if (m.state === S.PrepareCommit || m.state === S.PrepareAbort) return ErrorCode.CONCURRENT_TRANSACTIONS;
    m.clientTransactionVersion = 0;
    return this.addToTransaction(m, [{ topic: CONSUMER_OFFSETS_TOPIC, partition: this.groups.partitionFor(groupId) }]);
  }

  private async addToTransaction(m: TransactionMetadata, parts: TopicPartitionRef[]): Promise<number> {
    if (m.state === S.Ongoing && parts.every((x) => m.hasPartition(x.topic, x.partition))) return ErrorCode.NONE;
    const restore = m.snapshot();
    try {
      m.transitionTo(S.Ongoing, this.clock.now());
      m.addPartitions(parts);
      await this.states.persist(m);
      return ErrorCode.NONE;
    } catch (err) {
      restore();
      return this.requestFailed('adding partitions to the transaction', m.transactionalId, err).errorCode;
    }
  }

  /**
   * Whether a transactional produce to this partition may be appended (the partition was added to
   * the producer's open transaction; KIP-890's verification): NONE, or the code the produce gets.
   */
  verifyProduce(p: T.TxnProducer, topic: string, partition: number): number {
    const m = this.states.get(p.transactionalId);
    const refused = this.producerError(m, p);
    if (refused !== ErrorCode.NONE) return refused === ErrorCode.PRODUCER_FENCED ? ErrorCode.INVALID_PRODUCER_EPOCH : refused;
    return m?.state === S.Ongoing && m.hasPartition(topic, partition) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
  }

  // ---- TxnOffsetCommit ----

  /** `addOffsetsPartition`: the request is TxnOffsetCommit v5+ of a transactions-version-2 producer. */
  async txnOffsetCommit(req: T.TxnOffsetCommitRequest, addOffsetsPartition = false): Promise<T.TxnOffsetCommitResponse> {
    const every = (code: number): T.TxnOffsetCommitResponse => ({
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((x) => ({ partitionIndex: x.partitionIndex, errorCode: code })) })),
    });
    const m = this.states.get(req.transactionalId);
    const refused = this.producerError(m, req);
    if (refused !== ErrorCode.NONE) return every(refused === ErrorCode.INVALID_PRODUCER_ID_MAPPING ? ErrorCode.INVALID_PRODUCER_ID_MAPPING : ErrorCode.PRODUCER_FENCED);
    const offsetsPartition = this.groups.partitionFor(req.groupId);
    if (addOffsetsPartition && !(m?.state === S.Ongoing && m.hasPartition(CONSUMER_OFFSETS_TOPIC, offsetsPartition))) {
      // Transactions version 2: TxnOffsetCommit v5 also does what AddOffsetsToTxn did.
      const added = await this.addPartitionsImplicitly(req, [{ topic: CONSUMER_OFFSETS_TOPIC, partition: offsetsPartition }]);
      if (added !== ErrorCode.NONE) return every(added);
    }
    if (m?.state !== S.Ongoing || !m.hasPartition(CONSUMER_OFFSETS_TOPIC, offsetsPartition)) return every(ErrorCode.INVALID_TXN_STATE);
    const groupError = this.groups.validateCommit(req.groupId, req.generationId, req.memberId, req.groupInstanceId);
    if (groupError !== ErrorCode.NONE) return every(groupError);
    const now = this.clock.now();
    const accepted: CommittedOffset[] = [];
    const tooLarge = new Set<string>();
    for (const t of req.topics) {
      for (const x of t.partitions) {
        const metadata = x.committedMetadata ?? '';
        if (Buffer.byteLength(metadata, 'utf8') > this.groups.offsetMetadataMaxBytes) tooLarge.add(`${t.name}\u0000${x.partitionIndex}`);
        else accepted.push({ topic: t.name, partition: x.partitionIndex, value: { offset: x.committedOffset, leaderEpoch: x.committedLeaderEpoch, metadata, commitTimestamp: now, expireTimestamp: -1 } });
      }
    }
    let writeError: number = ErrorCode.NONE;
    try {
      if (accepted.length > 0) this.log.writeTxnOffsets(offsetsPartition, req, req.groupId, accepted);
      this.addPending(req.producerId, req.groupId, accepted);
    } catch (err) {
      writeError = toErrorResult(err).errorCode;
    }
    return {
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((x) => ({
          partitionIndex: x.partitionIndex,
          errorCode: tooLarge.has(`${t.name}\u0000${x.partitionIndex}`) ? ErrorCode.OFFSET_METADATA_TOO_LARGE : writeError,
        })),
      })),
    };
  }

  /** Offsets of a transaction found open in `__consumer_offsets` at start-up: visible if it commits. */
  restorePendingOffsets(producerId: number, groupId: string, offsets: CommittedOffset[]): void {
    this.addPending(producerId, groupId, offsets);
  }

  private addPending(producerId: number, groupId: string, offsets: CommittedOffset[]): void {
    let byGroup = this.pendingOffsets.get(producerId);
    if (!byGroup) this.pendingOffsets.set(producerId, (byGroup = new Map()));
    byGroup.set(groupId, [...(byGroup.get(groupId) ?? []), ...offsets]);
  }

  // ---- EndTxn ----

  /** EndTxn of a transactions-version-1 producer: the error code. */
  async endTxn(p: T.TxnProducer, commit: boolean): Promise<number> {
    return (await this.endTransaction(p, commit, 0)).errorCode;
  }

  /**
   * EndTxn. `clientTransactionVersion` 2 (EndTxn v5+): the epoch is bumped by every EndTxn and the
   * answer carries the producer id and epoch to use next (a new id when the epoch overflows).
   */
  async endTransaction(p: T.TxnProducer, commit: boolean, clientTransactionVersion: number): Promise<T.EndTxnResult> {
    const fail = (errorCode: number): T.EndTxnResult => ({ errorCode, producerId: -1, producerEpoch: -1 });
    const m = this.states.get(p.transactionalId);
    if (!m) return fail(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    const v2 = clientTransactionVersion >= 2;
    const decision = v2 ? decideEndTxnV2(m, p, commit) : decideEndTxnV1(m, p, commit);
    // A completion still being retried after an overflowing bump hands over to the new id all the same.
    const done = (): T.EndTxnResult =>
      !v2 ? fail(ErrorCode.NONE) : m.nextProducerId !== -1 ? { errorCode: ErrorCode.NONE, producerId: m.nextProducerId, producerEpoch: 0 } : { errorCode: ErrorCode.NONE, producerId: m.producerId, producerEpoch: m.producerEpoch };
    if (decision.kind === 'answer') return decision.errorCode === ErrorCode.NONE ? done() : fail(decision.errorCode);
    const restore = m.snapshot();
    try {
      const now = this.clock.now();
      const nextProducerId = v2 && m.isEpochExhausted ? this.log.allocateProducerId() : -1;
      m.transitionTo(decision.commit ? S.PrepareCommit : S.PrepareAbort, now);
      m.clientTransactionVersion = v2 ? 2 : 0;
      if (v2) {
        m.lastProducerEpoch = m.producerEpoch;
        if (m.producerEpoch < MAX_PRODUCER_EPOCH) m.producerEpoch += 1;
        m.nextProducerId = nextProducerId;
        if (decision.noPartitionAdded) m.txnStartTimestamp = now;
      }
      await this.states.persist(m);
    } catch (err) {
      // Not decided: the transaction stays as it was (v2: its epoch too), so the producer's retry can end it.
      restore();
      return fail(this.requestFailed('EndTxn', m.transactionalId, err).errorCode);
    }
    // Decided: answered as Kafka does once the decision is in the log, also when the markers are still being retried.
    await this.markers.complete(m, decision.commit);
    return done();
  }

  /** Every marker of a decided transaction is written: its offsets become visible if it committed, else they are dropped. */
  private markersWritten(m: TransactionMetadata, commit: boolean): void {
    const pending = this.pendingOffsets.get(m.producerId);
    this.pendingOffsets.delete(m.producerId);
    if (commit && pending) for (const [groupId, offsets] of pending) this.groups.applyCommitted(groupId, offsets);
  }

  // ---- timeouts ----

  private scheduleTimeoutCheck(): void {
    if (!this.running) return;
    this.timer = this.clock.schedule(this.config.abortTimedOutTransactionCleanupIntervalMs, () => {
      void this.abortTimedOutTransactions().finally(() => this.scheduleTimeoutCheck());
    });
  }

  /** Aborts every transaction open longer than its timeout, fencing its producer; returns how many. */
  async abortTimedOutTransactions(): Promise<number> {
    const now = this.clock.now();
    let aborted = 0;
    for (const m of this.states.all()) {
      if (m.state !== S.Ongoing || m.txnStartTimestamp + m.txnTimeoutMs > now) continue;
      try {
        await this.fenceAndAbort(m);
        aborted++;
        this.logger.warn(`aborted the transaction of transactional id ${m.transactionalId}: open longer than its timeout of ${m.txnTimeoutMs} ms`);
      } catch (err) {
        this.logger.warn(`aborting the timed-out transaction of ${m.transactionalId} failed: ${toErrorResult(err).errorMessage}`);
      }
    }
    return aborted;
  }

  // ---- transactional.id.expiration.ms ----

  /** At a fixed rate, as Kafka's scheduler runs it (an id being removed is Dead, so overlapping checks skip it). */
  private scheduleExpiration(): void {
    if (!this.running) return;
    this.expirationTimer = this.clock.schedule(this.config.removeExpiredTransactionalIdsIntervalMs, () => {
      this.scheduleExpiration();
      void this.removeExpiredTransactionalIds();
    });
  }

  /** Removes the transactional ids idle past transactional.id.expiration.ms (TransactionStateManager.removeExpired); returns how many went. */
  removeExpiredTransactionalIds(): Promise<number> {
    return this.states.removeExpired(this.clock.now(), this.config.transactionalIdExpirationMs, (id, err) =>
      this.logger.warn(`removing the expired transactional id ${id} failed and is retried later: ${toErrorResult(err).errorMessage}`),
    );
  }

  // ---- DescribeTransactions / ListTransactions ----

  describe(transactionalIds: string[]): T.DescribedTransaction[] {
    return describeTransactions(this.states, transactionalIds);
  }

  /** Transactions matching the filters (empty filters match all); `durationMs` ≥ 0 keeps those open at least that long. */
  list(stateFilters: string[], producerIdFilters: number[], durationMs = -1): { unknownStateFilters: string[]; transactions: T.ListedTransaction[] } {
    return listTransactions(this.states, stateFilters, producerIdFilters, durationMs, this.clock.now());
  }
}
