import { BinderyError } from '../primitives/errors';

/** A batch names a codec id this build does not know (Kafka defines 0-4). */
export class UnknownCompressionCodecError extends BinderyError {
  constructor(readonly codecId: number) {
    super(
      'UNKNOWN_COMPRESSION_CODEC',
      `unknown compression codec id ${codecId}: Kafka defines 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd; ` +
        'the batch was written by an incompatible client or is corrupt',
    );
  }
}

/** The synchronous API was asked for a codec whose library only works asynchronously (zstd). */
export class SyncCompressionUnavailableError extends BinderyError {
  constructor(readonly codec: string) {
    super(
      'COMPRESSION_SYNC_UNAVAILABLE',
      `${codec} has no synchronous implementation here; use the async API (encodeRecordBatch / decodeRecordBatch / compress / decompress)`,
    );
  }
}

/** Compressed bytes the codec library refused: truncated, corrupt, or not in the codec's format. */
export class CorruptCompressedDataError extends BinderyError {
  constructor(
    readonly codec: string,
    cause: unknown,
  ) {
    super(
      'CORRUPT_COMPRESSED_DATA',
      `cannot decompress ${codec} data: ${cause instanceof Error ? cause.message : String(cause)}; ` +
        'the batch is corrupt or was compressed with a different codec than its attributes say',
    );
  }
}
