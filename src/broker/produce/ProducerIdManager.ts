/**
 * InitProducerId without a transaction coordinator: hands out producer ids from blocks that are
 * persisted before use (so ids never repeat across restarts), bumps the epoch of a producer that
 * re-initialises with its id and epoch (KIP-360), and of a transactional id that registers again.
 */
import { ErrorCode } from '../../protocol/errorCodes';

/** Ids reserved per metadata write, as Kafka's ProducerIdManager does. */
export const PRODUCER_ID_BLOCK_SIZE = 1000;
const MAX_EPOCH = 32767;

export interface InitProducerIdRequest {
  transactionalId?: string | null;
  transactionTimeoutMs?: number;
  /** -1 for a new producer; an existing id + epoch asks for an epoch bump. */
  producerId?: number;
  producerEpoch?: number;
}

export interface InitProducerIdResponse {
  errorCode: number;
  errorMessage: string | null;
  producerId: number;
  producerEpoch: number;
}

export interface ProducerIdState {
  /** First id not yet reserved by a persisted block. */
  nextBlockStart: number;
  /** transactional.id → its producer id and current epoch. */
  transactional: Record<string, { producerId: number; epoch: number }>;
}

export class ProducerIdManager {
  private next: number;
  private blockEnd: number;
  /** Producers this broker issued (non-transactional), with their last issued epoch. */
  private readonly issued = new Map<number, number>();

  constructor(
    private readonly state: ProducerIdState,
    /** Persists `state`; called before an id from a new block is handed out. */
    private readonly persist: () => void,
  ) {
    this.next = state.nextBlockStart;
    this.blockEnd = state.nextBlockStart;
  }

  private allocate(): number {
    if (this.next >= this.blockEnd) {
      this.next = this.state.nextBlockStart;
      this.blockEnd = this.next + PRODUCER_ID_BLOCK_SIZE;
      this.state.nextBlockStart = this.blockEnd;
      this.persist();
    }
    return this.next++;
  }

  initProducerId(req: InitProducerIdRequest): InitProducerIdResponse {
    const ok = (producerId: number, producerEpoch: number): InitProducerIdResponse => ({ errorCode: ErrorCode.NONE, errorMessage: null, producerId, producerEpoch });
    const requestedId = req.producerId ?? -1;
    const requestedEpoch = req.producerEpoch ?? -1;
    if (req.transactionalId) {
      const known = this.state.transactional[req.transactionalId];
      if (known && requestedId >= 0 && (requestedId !== known.producerId || requestedEpoch !== known.epoch)) {
        return { errorCode: ErrorCode.PRODUCER_FENCED, errorMessage: `Producer ${requestedId} epoch ${requestedEpoch} is no longer the current producer of transactional id ${req.transactionalId}`, producerId: -1, producerEpoch: -1 };
      }
      const entry = !known || known.epoch >= MAX_EPOCH - 1 ? { producerId: this.allocate(), epoch: 0 } : { producerId: known.producerId, epoch: known.epoch + 1 };
      this.state.transactional[req.transactionalId] = entry;
      this.persist();
      return ok(entry.producerId, entry.epoch);
    }
    if (requestedId >= 0) {
      const lastEpoch = this.issued.get(requestedId);
      if (lastEpoch !== undefined && requestedEpoch !== lastEpoch) {
        return { errorCode: ErrorCode.PRODUCER_FENCED, errorMessage: `Producer ${requestedId} asked to bump epoch ${requestedEpoch} but its current epoch is ${lastEpoch}`, producerId: -1, producerEpoch: -1 };
      }
      if (requestedEpoch >= 0 && requestedEpoch < MAX_EPOCH - 1) {
        this.issued.set(requestedId, requestedEpoch + 1);
        return ok(requestedId, requestedEpoch + 1);
      }
    }
    const producerId = this.allocate();
    this.issued.set(producerId, 0);
    return ok(producerId, 0);
  }
}
