/**
 * The outbox's durable store: one partition log in the engine's Kafka format (`<topic>-0/` with
 * `.log`, `.index`, `.timeindex`) under `<dataDir>/<topic>/`, plus a `delivered-offset-checkpoint`
 * in Kafka's offset-checkpoint format saying up to which offset the records reached the cluster.
 * The directory is locked to one process, as a broker's data directory is.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { DataDirLock } from '../../../broker/topics/DataDirLock';
import { DiskFileSystem } from '../../../broker/storage/DiskFileSystem';
import type { FileSystem } from '../../../broker/storage/FileSystem';
import { LogDirectory } from '../../../broker/log/LogDirectory';
import type { Log } from '../../../broker/log/Log';
import { OffsetCheckpointFile } from '../../../broker/log/OffsetCheckpointFile';
import type { Logger } from '../../../logging';
import { encodeRecordBatchSync } from '../../../protocol/records/encodeBatch';
import { decodeRecordBatchesSync } from '../../../protocol/records/decodeBatch';
import type { OutboundRecord, RecordHeader } from '../../Binder';
import { OutboxClosedError, OutboxDirectoryError } from './errors';

export const DELIVERED_CHECKPOINT = 'delivered-offset-checkpoint';
/**
 * Per destination partition, an offset below which no record this outbox forwarded lies beyond the
 * delivered checkpoint: where a restarted forwarder reads the topic back from.
 */
export const READ_BACK_CHECKPOINT = 'destination-read-back-checkpoint';
/** Names this outbox in the origin header of the records it forwards. */
const OUTBOX_ID_FILE = 'outbox-id';
/** Carries an explicit target partition through the outbox; removed before forwarding. */
const PARTITION_HEADER = 'bindery.outbox.partition';
/** Small segments, so that delivered records leave the disk soon (whole segments are deleted). */
const OUTBOX_SEGMENT_BYTES = 16 * 1024 * 1024;
/** A send of up to a produce request's worth of records is stored as one batch. */
const OUTBOX_MAX_BATCH_BYTES = 64 * 1024 * 1024;

export interface StoredRecord {
  offset: number;
  record: OutboundRecord;
}

export class OutboxLog {
  private readonly logDir: LogDirectory;
  private readonly log: Log;
  private readonly checkpoint: OffsetCheckpointFile;
  private readonly readBackFile: OffsetCheckpointFile;
  private readBack: Map<number, number> | null;
  private delivered: number;
  readonly outboxId: string;
  private closed = false;

  private constructor(
    readonly dir: string,
    readonly topic: string,
    private readonly lock: DataDirLock,
    fs: FileSystem,
    logger: Logger,
  ) {
    this.logDir = new LogDirectory(dir, { fs, logger });
    this.log = this.logDir.openLog(topic, 0, {
      segmentBytes: OUTBOX_SEGMENT_BYTES,
      maxMessageBytes: OUTBOX_MAX_BATCH_BYTES,
      // the outbox deletes records only once they are delivered
      retentionMs: -1,
      retentionBytes: -1,
    });
    this.checkpoint = new OffsetCheckpointFile(fs, path.join(dir, DELIVERED_CHECKPOINT));
    const recorded = this.checkpoint.read().get(`${topic}-0`) ?? this.log.logStartOffset;
    this.delivered = Math.min(Math.max(recorded, this.log.logStartOffset), this.log.logEndOffset);
    this.readBackFile = new OffsetCheckpointFile(fs, path.join(dir, READ_BACK_CHECKPOINT));
    this.readBack = fs.exists(this.readBackFile.path) ? this.partitionsOf(this.readBackFile.read()) : null;
    const idFile = path.join(dir, OUTBOX_ID_FILE);
    const id = fs.readFile(idFile)?.toString('utf8').trim();
    this.outboxId = id && id.length > 0 ? id : randomUUID();
    if (this.outboxId !== id) fs.writeFileAtomic(idFile, Buffer.from(`${this.outboxId}\n`));
  }

  /** Where to read each destination partition back from after a restart; null before the first forward ever. */
  readBackFrom(): ReadonlyMap<number, number> | null {
    return this.readBack;
  }

  /** Records read-back positions (atomic file replace), over the recorded ones of the same partitions. */
  recordReadBackFrom(positions: Array<{ partition: number; offset: number }>): void {
    this.ensureOpen();
    const merged = new Map(this.readBack ?? []);
    for (const p of positions) merged.set(p.partition, p.offset);
    this.readBackFile.write([...merged].sort((a, b) => a[0] - b[0]).map(([partition, offset]) => ({ topic: this.topic, partition, offset })));
    this.readBack = merged;
  }

  private partitionsOf(entries: Map<string, number>): Map<number, number> {
    const out = new Map<number, number>();
    for (const [name, offset] of entries) out.set(Number(name.slice(this.topic.length + 1)), offset);
    return out;
  }

  /** Opens (creating, recovering after a crash) the outbox of `topic` in `dataDir`; fails naming the path when it is not writable. */
  static open(dataDir: string, topic: string, logger: Logger, fs: FileSystem = new DiskFileSystem()): OutboxLog {
    const dir = path.join(path.resolve(dataDir), topic);
    let lock: DataDirLock;
    try {
      fs.mkdirp(dir);
      lock = DataDirLock.acquire(fs, dir);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'DATA_DIR_LOCKED') throw error;
      throw new OutboxDirectoryError(dir, error instanceof Error ? error : new Error(String(error)));
    }
    try {
      return new OutboxLog(dir, topic, lock, fs, logger);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Records stored and not yet delivered. */
  get depth(): number {
    return this.log.logEndOffset - this.delivered;
  }
  get deliveredOffset(): number {
    return this.delivered;
  }
  get endOffset(): number {
    return this.log.logEndOffset;
  }

  /** Appends the records as one batch and fsyncs it: when this returns they survive a crash. */
  append(records: OutboundRecord[]): void {
    this.ensureOpen();
    if (records.length === 0) return;
    const batch = encodeRecordBatchSync({
      records: records.map((r) => ({
        key: r.key ?? null,
        value: r.value,
        headers: r.partition === undefined ? r.headers : [...(r.headers ?? []), { key: PARTITION_HEADER, value: Buffer.from(String(r.partition)) }],
        timestamp: r.timestamp ?? Date.now(),
      })),
    });
    this.log.append(batch);
    this.log.flush();
  }

  /** Undelivered records from `from` on, about `maxBytes` of them (at least one batch). */
  read(from: number, maxBytes: number): StoredRecord[] {
    this.ensureOpen();
    if (from >= this.log.logEndOffset) return [];
    const { records } = this.log.read(from, maxBytes);
    const out: StoredRecord[] = [];
    for (const batch of decodeRecordBatchesSync(records)) {
      for (const r of batch.records) {
        if (r.offset < from) continue;
        out.push({ offset: r.offset, record: toOutbound(r.key, r.value, r.headers, r.timestamp) });
      }
    }
    return out;
  }

  /** Records that everything below `offset` reached the cluster (atomic file replace), then frees whole delivered segments. */
  markDelivered(offset: number): void {
    this.ensureOpen();
    if (offset <= this.delivered) return;
    this.checkpoint.write([{ topic: this.topic, partition: 0, offset }]);
    this.delivered = offset;
    this.log.deleteRecordsBefore(offset);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.logDir.close();
    } finally {
      this.lock.release();
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new OutboxClosedError(this.dir);
  }
}

function toOutbound(key: Buffer | null, value: Buffer | null, headers: RecordHeader[], timestamp: number): OutboundRecord {
  const partitionHeader = headers.find((h) => h.key === PARTITION_HEADER);
  const rest = partitionHeader ? headers.filter((h) => h !== partitionHeader) : headers;
  return {
    key,
    value,
    headers: rest,
    timestamp,
    partition: partitionHeader?.value ? Number(partitionHeader.value.toString()) : undefined,
  };
}
