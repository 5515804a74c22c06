/**
 * RecordBatch v2 header layout (61 bytes), read in place without decoding the records:
 *
 *   baseOffset: int64            @0
 *   batchLength: int32           @8   bytes after this field
 *   partitionLeaderEpoch: int32  @12
 *   magic: int8 (= 2)            @16
 *   crc: uint32 (CRC-32C)        @17  covers attributes .. end of batch
 *   attributes: int16            @21  bits 0-2 codec, 3 timestampType, 4 transactional, 5 control
 *   lastOffsetDelta: int32       @23
 *   baseTimestamp: int64         @27
 *   maxTimestamp: int64          @35
 *   producerId: int64            @43
 *   producerEpoch: int16         @51
 *   baseSequence: int32          @53
 *   recordsCount: int32          @57
 *   records                      @61
 */
import { crc32c } from '../crc32c';

export const BATCH = {
  BASE_OFFSET: 0,
  BATCH_LENGTH: 8,
  PARTITION_LEADER_EPOCH: 12,
  MAGIC: 16,
  CRC: 17,
  ATTRIBUTES: 21,
  LAST_OFFSET_DELTA: 23,
  BASE_TIMESTAMP: 27,
  MAX_TIMESTAMP: 35,
  PRODUCER_ID: 43,
  PRODUCER_EPOCH: 51,
  BASE_SEQUENCE: 53,
  RECORDS_COUNT: 57,
  HEADER_SIZE: 61,
  /** baseOffset + batchLength: the bytes that precede what batchLength counts. */
  LOG_OVERHEAD: 12,
  /** The CRC covers from attributes to the end of the batch. */
  CRC_START: 21,
} as const;

export const ATTR = {
  COMPRESSION_MASK: 0x07,
  TIMESTAMP_TYPE_LOG_APPEND: 0x08,
  TRANSACTIONAL: 0x10,
  CONTROL: 0x20,
  DELETE_HORIZON: 0x40,
} as const;

function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 0x100000000 + buf.readUInt32BE(at + 4);
}

function writeInt64(buf: Buffer, at: number, v: number): void {
  const hi = Math.floor(v / 0x100000000);
  buf.writeInt32BE(hi, at);
  buf.writeUInt32BE(v - hi * 0x100000000, at + 4);
}

/** Zero-copy view over one batch's header fields. Offsets and timestamps are JS numbers (exact below 2^53). */
export class BatchHeaderView {
  constructor(
    readonly buf: Buffer,
    readonly at = 0,
  ) {}

  get baseOffset(): number {
    return readInt64(this.buf, this.at + BATCH.BASE_OFFSET);
  }
  set baseOffset(v: number) {
    writeInt64(this.buf, this.at + BATCH.BASE_OFFSET, v);
  }
  get batchLength(): number {
    return this.buf.readInt32BE(this.at + BATCH.BATCH_LENGTH);
  }
  /** Whole batch size in bytes, header included. */
  get sizeInBytes(): number {
    return this.batchLength + BATCH.LOG_OVERHEAD;
  }
  get partitionLeaderEpoch(): number {
    return this.buf.readInt32BE(this.at + BATCH.PARTITION_LEADER_EPOCH);
  }
  get magic(): number {
    return this.buf.readInt8(this.at + BATCH.MAGIC);
  }
  get crc(): number {
    return this.buf.readUInt32BE(this.at + BATCH.CRC);
  }
  get attributes(): number {
    return this.buf.readInt16BE(this.at + BATCH.ATTRIBUTES);
  }
  get compression(): number {
    return this.attributes & ATTR.COMPRESSION_MASK;
  }
  get isLogAppendTime(): boolean {
    return (this.attributes & ATTR.TIMESTAMP_TYPE_LOG_APPEND) !== 0;
  }
  get isTransactional(): boolean {
    return (this.attributes & ATTR.TRANSACTIONAL) !== 0;
  }
  get isControl(): boolean {
    return (this.attributes & ATTR.CONTROL) !== 0;
  }
  get lastOffsetDelta(): number {
    return this.buf.readInt32BE(this.at + BATCH.LAST_OFFSET_DELTA);
  }
  get lastOffset(): number {
    return this.baseOffset + this.lastOffsetDelta;
  }
  get baseTimestamp(): number {
    return readInt64(this.buf, this.at + BATCH.BASE_TIMESTAMP);
  }
  get maxTimestamp(): number {
    return readInt64(this.buf, this.at + BATCH.MAX_TIMESTAMP);
  }
  get producerId(): number {
    return readInt64(this.buf, this.at + BATCH.PRODUCER_ID);
  }
  get producerEpoch(): number {
    return this.buf.readInt16BE(this.at + BATCH.PRODUCER_EPOCH);
  }
  get baseSequence(): number {
    return this.buf.readInt32BE(this.at + BATCH.BASE_SEQUENCE);
  }
  get recordsCount(): number {
    return this.buf.readInt32BE(this.at + BATCH.RECORDS_COUNT);
  }

  /** Outside the CRC range, like baseOffset: the leader stamps it on append without touching the CRC. */
  set partitionLeaderEpoch(v: number) {
    this.buf.writeInt32BE(v, this.at + BATCH.PARTITION_LEADER_EPOCH);
  }

  /** CRC-32C of attributes .. end of batch as the bytes are now. */
  computeCrc(): number {
    return crc32c(this.buf.subarray(this.at + BATCH.CRC_START, this.at + this.sizeInBytes));
  }

  /** Rewrites the stored CRC after an in-place edit of a field inside the CRC range. */
  updateCrc(): void {
    this.buf.writeUInt32BE(this.computeCrc(), this.at + BATCH.CRC);
  }

  /**
   * What a broker does to a batch appended to a topic with message.timestamp.type=LogAppendTime:
   * sets the timestamp-type bit and maxTimestamp to the append time (every record then reports it)
   * and recomputes the CRC. The records themselves are not rewritten.
   */
  setLogAppendTime(timestamp: number): void {
    const attributesAt = this.at + BATCH.ATTRIBUTES;
    this.buf.writeInt16BE(this.buf.readInt16BE(attributesAt) | ATTR.TIMESTAMP_TYPE_LOG_APPEND, attributesAt);
    writeInt64(this.buf, this.at + BATCH.MAX_TIMESTAMP, timestamp);
    this.updateCrc();
  }
}
