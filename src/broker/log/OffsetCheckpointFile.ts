import type { FileSystem } from '../storage/FileSystem';
import { CorruptCheckpointError } from './errors';

export interface CheckpointEntry {
  topic: string;
  partition: number;
  offset: number;
}

/*
 * Kafka's offset checkpoint file (recovery-point-offset-checkpoint, log-start-offset-checkpoint):
 *
 *   <version: 0>
 *   <entry count>
 *   <topic> <partition> <offset>     (one line per entry)
 */
const VERSION = 0;

export function encodeCheckpoint(entries: CheckpointEntry[]): Buffer {
  const lines = [String(VERSION), String(entries.length), ...entries.map((e) => `${e.topic} ${e.partition} ${e.offset}`)];
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

export function decodeCheckpoint(text: string, fileName: string): CheckpointEntry[] {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const bad = (why: string): never => {
    throw new CorruptCheckpointError(`checkpoint file ${fileName} is malformed (${why}): delete it to recover every log from its start`);
  };
  if (lines.length < 2) bad('missing header');
  if (Number(lines[0]) !== VERSION) bad(`unsupported version ${lines[0]}`);
  const count = Number(lines[1]);
  if (!Number.isInteger(count) || count !== lines.length - 2) bad(`expected ${lines[1]} entries, found ${lines.length - 2}`);
  return lines.slice(2).map((line) => {
    const m = /^(\S+) (\d+) (-?\d+)$/.exec(line);
    if (!m) return bad(`line "${line}"`);
    return { topic: m[1], partition: Number(m[2]), offset: Number(m[3]) };
  });
}

/**
 * One checkpoint file in a log directory, read and written whole (atomically). A write whose
 * content equals what the file already holds is skipped: the atomic write (temp file, fsync,
 * rename, directory fsync) costs milliseconds, and most periodic checkpoints change nothing.
 */
export class OffsetCheckpointFile {
  private lastWritten: Buffer | null = null;

  constructor(
    private readonly fs: FileSystem,
    readonly path: string,
  ) {}

  read(): Map<string, number> {
    const data = this.fs.readFile(this.path);
    this.lastWritten = data;
    const map = new Map<string, number>();
    if (!data) return map;
    for (const e of decodeCheckpoint(data.toString('utf8'), this.path)) map.set(`${e.topic}-${e.partition}`, e.offset);
    return map;
  }

  write(entries: CheckpointEntry[]): void {
    const content = encodeCheckpoint(entries);
    if (this.lastWritten !== null && this.lastWritten.equals(content) && this.fs.exists(this.path)) return;
    this.fs.writeFileAtomic(this.path, content);
    this.lastWritten = content;
  }
}
