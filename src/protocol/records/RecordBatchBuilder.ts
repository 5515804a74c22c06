/**
 * Builds one RecordBatch v2 record by record, as Kafka's producer does (MemoryRecordsBuilder):
 * a record is written into the batch's buffer when it is appended, so a producer holds bytes
 * rather than record objects (which then die young), and the records are not walked again at
 * send time. The header (producer id, sequence, codec, CRC) is written by build(), so a batch can
 * be built again with another producer id after the broker lost the producer's state.
 *
 * Offset deltas are the records' positions; timestamps are deltas from the first record's.
 */
import { Buffer } from 'node:buffer';
import { compress, compressSync } from '../compression';
import { ByteWriter } from '../primitives';
import { Utf8Lengths } from '../primitives/utf8';
import { BATCH } from './batchHeader';
import { attributesOf, writeBatchHeader } from './encodeBatch';
import { BatchBuiltError } from './errors';
import { checkedRecordBodySize, recordSize, writeRecordAt } from './recordWriter';
import { CompressionType, type RecordHeader } from './types';

/** What build() needs besides the records: the producer's identity and the codec. */
export interface BatchBuildOptions {
  compression?: CompressionType;
  /** gzip 1-9 or zstd 1-22; ignored by the other codecs. */
  compressionLevel?: number;
  /** Default -1 (not idempotent). */
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
}

export class RecordBatchBuilder {
  private readonly writer: ByteWriter;
  /** Header keys repeat record after record: their lengths are remembered per batch. */
  private readonly utf8Lengths = new Utf8Lengths();
  private count = 0;
  private baseTimestamp = 0;
  private maxTimestamp = 0;
  /** Whether build() gave away the writer's buffer: appends and builds then leave it alone. */
  private handedOver = false;

  /** `initialCapacity`: bytes to start with (header included); the buffer grows past it when needed. */
  constructor(initialCapacity: number) {
    this.writer = new ByteWriter(Math.max(BATCH.HEADER_SIZE, initialCapacity));
    this.writer.reserve(BATCH.HEADER_SIZE);
  }

  get recordCount(): number {
    return this.count;
  }

  /** Bytes of the uncompressed batch so far, header included. */
  get sizeInBytes(): number {
    return this.writer.length;
  }

  /** Encodes one record; throws (and keeps nothing of it) when it cannot be encoded. */
  append(key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[] | undefined, timestamp: number): void {
    if (this.handedOver) throw new BatchBuiltError();
    const previousMax = this.maxTimestamp;
    if (this.count === 0) {
      this.baseTimestamp = timestamp;
      this.maxTimestamp = timestamp;
    } else if (timestamp > this.maxTimestamp) {
      this.maxTimestamp = timestamp;
    }
    const timestampDelta = timestamp - this.baseTimestamp;
    const offsetDelta = this.count;
    let bodySize: number;
    try {
      bodySize = checkedRecordBodySize(timestampDelta, offsetDelta, key, value, headers, this.utf8Lengths);
    } catch (error) {
      // A record that cannot be encoded (a timestamp that is not an integer...) leaves no trace.
      this.maxTimestamp = previousMax;
      throw error;
    }
    const w = this.writer;
    const at = w.reserve(recordSize(bodySize));
    writeRecordAt(w.buffer, at, bodySize, timestampDelta, offsetDelta, key, value, headers, this.utf8Lengths);
    this.count++;
  }

  /** The finished batch (a new buffer each call) with codecs none, gzip, snappy or lz4; zstd needs buildAsync. */
  build(options: BatchBuildOptions = {}): Buffer {
    const codec = options.compression ?? CompressionType.None;
    if (codec === CompressionType.None || this.count === 0) return this.finish(this.uncompressedBatch(), options);
    return this.assemble(compressSync(codec, this.recordBytes(), { level: options.compressionLevel }), options);
  }

  /** build() with any codec; compression runs off the event loop. */
  async buildAsync(options: BatchBuildOptions = {}): Promise<Buffer> {
    const codec = options.compression ?? CompressionType.None;
    if (codec === CompressionType.None || this.count === 0) return this.finish(this.uncompressedBatch(), options);
    return this.assemble(await compress(codec, this.recordBytes(), { level: options.compressionLevel }), options);
  }

  private recordBytes(): Buffer {
    return this.writer.toBuffer().subarray(BATCH.HEADER_SIZE);
  }

  /**
   * The bytes so far, for an uncompressed batch. The first build hands the buffer itself over (no
   * copy): the broker appends it and copies what it keeps (its tail cache), and an append or a
   * later build never writes there again; a later build copies.
   */
  private uncompressedBatch(): Buffer {
    const written = this.writer.toBuffer();
    if (!this.handedOver) {
      this.handedOver = true;
      return written;
    }
    const out = Buffer.allocUnsafe(written.length);
    written.copy(out);
    return out;
  }

  private assemble(compressed: Buffer, options: BatchBuildOptions): Buffer {
    const batch = Buffer.allocUnsafe(BATCH.HEADER_SIZE + compressed.length);
    compressed.copy(batch, BATCH.HEADER_SIZE);
    return this.finish(batch, options);
  }

  private finish(batch: Buffer, options: BatchBuildOptions): Buffer {
    // An empty batch is stamped with the time it was built, as encodeRecordBatch does.
    const timestamp = this.count === 0 ? Date.now() : this.baseTimestamp;
    return writeBatchHeader(batch, {
      baseOffset: 0,
      partitionLeaderEpoch: -1,
      attributes: attributesOf({ compression: this.count === 0 ? CompressionType.None : options.compression }),
      lastOffsetDelta: this.count === 0 ? 0 : this.count - 1,
      baseTimestamp: timestamp,
      maxTimestamp: this.count === 0 ? timestamp : this.maxTimestamp,
      producerId: options.producerId ?? -1,
      producerEpoch: options.producerEpoch ?? -1,
      baseSequence: options.baseSequence ?? -1,
      recordsCount: this.count,
    });
  }
}
