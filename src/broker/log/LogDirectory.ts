import * as path from 'node:path';
import { DiskFileSystem } from '../storage/DiskFileSystem';
import type { FileSystem } from '../storage/FileSystem';
import { Log } from './Log';
import { OffsetCheckpointFile, type CheckpointEntry } from './OffsetCheckpointFile';
import { defaultLogger, type Logger } from '../../logging';
import { describeFsError } from './errors';
import { LOG_START_OFFSET_CHECKPOINT, RECOVERY_POINT_CHECKPOINT, parsePartitionDir, partitionDirName } from './fileNames';
import type { LogConfig } from './types';

export interface LogDirectoryOptions {
  fs?: FileSystem;
  logger?: Logger;
  now?: () => number;
  /** Passed to each log (LogOptions.onFlushed). */
  onLogFlushed?: (seconds: number) => void;
}

/**
 * One log directory holding `<topic>-<partition>/` logs and Kafka's two checkpoint files
 * (`recovery-point-offset-checkpoint`, `log-start-offset-checkpoint`), which say where each
 * log's recovery starts and which records were deleted. A part of Kafka's LogManager.
 */
export class LogDirectory {
  private readonly fs: FileSystem;
  private readonly logger: Logger;
  private readonly logs = new Map<string, Log>();
  private readonly recoveryPoints: Map<string, number>;
  private readonly logStartOffsets: Map<string, number>;
  private readonly recoveryFile: OffsetCheckpointFile;
  private readonly startFile: OffsetCheckpointFile;
  private checkpointScheduled = false;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly options: LogDirectoryOptions = {},
  ) {
    this.fs = options.fs ?? new DiskFileSystem();
    this.logger = options.logger ?? defaultLogger();
    this.fs.mkdirp(path);
    this.recoveryFile = new OffsetCheckpointFile(this.fs, this.file(RECOVERY_POINT_CHECKPOINT));
    this.startFile = new OffsetCheckpointFile(this.fs, this.file(LOG_START_OFFSET_CHECKPOINT));
    this.recoveryPoints = this.readCheckpoint(this.recoveryFile);
    this.logStartOffsets = this.readCheckpoint(this.startFile);
  }

  private file(name: string): string {
    return path.join(this.path, name);
  }

  private readCheckpoint(file: OffsetCheckpointFile): Map<string, number> {
    try {
      return file.read();
    } catch (err) {
      this.logger.warn(`${(err as Error).message}; recovering every log from its start`);
      return new Map();
    }
  }

  /** The partitions that have a directory here. */
  partitions(): Array<{ topic: string; partition: number }> {
    return this.fs
      .list(this.path)
      .map(parsePartitionDir)
      .filter((p): p is { topic: string; partition: number } => p !== null && this.fs.exists(path.join(this.path, partitionDirName(p.topic, p.partition))));
  }

  /** Opens (creating when missing, recovering when needed) one partition's log; the same Log for repeated calls. */
  openLog(topic: string, partition: number, config: Partial<LogConfig> = {}): Log {
    const name = partitionDirName(topic, partition);
    const open = this.logs.get(name);
    // only this name's entry matters here; other closed logs are forgotten by the next checkpoint
    if (open && !open.isClosed) return open;
    if (open) this.forget(name, open);
    const log = Log.open(path.join(this.path, name), config, {
      fs: this.fs,
      logger: this.logger,
      now: this.options.now,
      recoveryPoint: this.recoveryPoints.get(name) ?? 0,
      logStartOffset: this.logStartOffsets.get(name) ?? 0,
      onRecoveryPointAdvanced: () => this.checkpointSoon(),
      onFlushed: this.options.onLogFlushed,
    });
    this.logs.set(name, log);
    return log;
  }

  getLog(topic: string, partition: number): Log | undefined {
    return this.logs.get(partitionDirName(topic, partition));
  }

  /** Closes and removes a partition's log and its checkpoint entries. */
  deleteLog(topic: string, partition: number): void {
    const name = partitionDirName(topic, partition);
    const log = this.logs.get(name);
    if (log) log.delete();
    else this.fs.removeDir(path.join(this.path, name));
    this.logs.delete(name);
    this.recoveryPoints.delete(name);
    this.logStartOffsets.delete(name);
    try {
      this.checkpoint();
    } catch (err) {
      // the files are gone; the next periodic checkpoint drops the entries
      this.logger.warn(`writing offset checkpoints after deleting ${name} failed: ${describeFsError(err)}`);
    }
  }

  /** Applies retention to every open log; returns the number of segments deleted. */
  applyRetention(nowMs: number): number {
    this.forgetClosedLogs();
    let deleted = 0;
    for (const log of this.logs.values()) deleted += log.applyRetention(nowMs);
    return deleted;
  }

  /** Flushes every open log (fsync), then records the new recovery points. */
  flush(): void {
    this.forgetClosedLogs();
    for (const log of this.logs.values()) log.flush();
    this.checkpoint();
  }

  /**
   * Flushes every open log with the fsyncs in the thread pool, `parallel` logs at a time, before
   * a clean shutdown: a sequence of thousands of fsyncs on the event loop would take as many disk
   * round trips, while concurrent ones share the file system's journal commits. A log that fails
   * is logged and left to close()'s own flush.
   */
  async flushInBackground(parallel = 8): Promise<void> {
    this.forgetClosedLogs();
    const logs = [...this.logs.values()];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < logs.length) {
        const log = logs[next++];
        try {
          await log.flushInBackground();
        } catch (err) {
          this.logger.warn(`flushing ${log.dir} failed: ${describeFsError(err)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, logs.length) }, worker));
  }

  /**
   * Checkpoints after the current task: a rolled segment's flush moved a recovery point, and a
   * crash before the periodic checkpoint would otherwise re-validate that segment. Logs rolling
   * together share one write.
   */
  private checkpointSoon(): void {
    if (this.checkpointScheduled) return;
    this.checkpointScheduled = true;
    setImmediate(() => {
      this.checkpointScheduled = false;
      if (this.closed) return;
      this.attempt('writing offset checkpoints', () => this.checkpoint());
    });
  }

  /** Writes both checkpoint files from the open logs (plus entries of logs not opened yet). */
  checkpoint(): void {
    this.forgetClosedLogs();
    for (const [name, log] of this.logs) {
      this.recoveryPoints.set(name, log.recoveryPoint);
      this.logStartOffsets.set(name, log.logStartOffset);
    }
    this.recoveryFile.write(toEntries(this.recoveryPoints));
    this.startFile.write(toEntries(this.logStartOffsets));
  }

  /**
   * Logs closed or deleted by their owner directly: a closed log keeps its final offsets in the
   * checkpoints, a deleted one (directory gone) loses its entries.
   */
  private forgetClosedLogs(): void {
    for (const [name, log] of this.logs) if (log.isClosed) this.forget(name, log);
  }

  private forget(name: string, log: Log): void {
    this.logs.delete(name);
    if (this.fs.exists(log.dir)) {
      this.recoveryPoints.set(name, log.recoveryPoint);
      this.logStartOffsets.set(name, log.logStartOffset);
    } else {
      this.recoveryPoints.delete(name);
      this.logStartOffsets.delete(name);
    }
  }

  /** Clean shutdown: every log flushed and closed, checkpoints at the log ends (no recovery on restart). */
  close(): void {
    this.closed = true;
    this.forgetClosedLogs();
    // Every step is tried for every log: one failing disk write (a full disk) must not leave the
    // other logs open; what could not be flushed or checkpointed is recovered on the next start.
    for (const log of this.logs.values()) this.attempt(`flushing ${log.dir}`, () => log.flush());
    for (const [name, log] of this.logs) {
      this.recoveryPoints.set(name, log.recoveryPoint);
      this.logStartOffsets.set(name, log.logStartOffset);
    }
    this.attempt('writing offset checkpoints', () => {
      this.recoveryFile.write(toEntries(this.recoveryPoints));
      this.startFile.write(toEntries(this.logStartOffsets));
    });
    for (const log of this.logs.values()) this.attempt(`closing ${log.dir}`, () => log.close());
    this.logs.clear();
  }

  /** Runs `step`; a failure is logged (with what was being done) instead of thrown. */
  private attempt(what: string, step: () => void): boolean {
    try {
      step();
      return true;
    } catch (err) {
      this.logger.warn(`${what} failed: ${describeFsError(err)}`);
      return false;
    }
  }
}

function toEntries(map: Map<string, number>): CheckpointEntry[] {
  const out: CheckpointEntry[] = [];
  for (const [name, offset] of map) {
    const tp = parsePartitionDir(name);
    if (tp) out.push({ ...tp, offset });
  }
  return out.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
}
