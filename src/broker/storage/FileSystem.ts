/**
 * The storage room's filesystem, synchronous on purpose: appends land in the page cache in
 * microseconds, and a synchronous call keeps each partition's append atomic on the event loop.
 * Two implementations: DiskFileSystem (node:fs) and MemoryFileSystem (tests, ephemeral brokers).
 */
import type { ReadAllocator } from './BufferPool';

export interface FileHandle {
  readonly path: string;
  /** Current size in bytes. */
  size(): number;
  /** Appends at the end of the file; returns the position the bytes were written at. */
  append(data: Uint8Array): number;
  /** Writes at an absolute position (index files are preallocated and patched). */
  writeAt(data: Uint8Array, position: number): void;
  /**
   * Reads up to `length` bytes at `position` (shorter at end of file) into a buffer from `alloc`
   * (a new one by default).
   */
  read(position: number, length: number, alloc?: ReadAllocator): Buffer;
  truncate(size: number): void;
  /** fsync: data reaches the device. */
  sync(): void;
  close(): void;
}

export interface WriteFileOptions {
  /**
   * false: the new content replaces the old by a rename, without fsyncs: a crash may leave the
   * old content, or an empty or torn file. For files that only save work (a snapshot the loader
   * checks and otherwise rebuilds from the log). Default true.
   */
  durable?: boolean;
}

export interface FileSystem {
  /** Opens (creating when missing) a file for reading and appending. */
  open(path: string): FileHandle;
  exists(path: string): boolean;
  mkdirp(path: string): void;
  /** Names (not paths) in a directory; [] when it does not exist. */
  list(dir: string): string[];
  remove(path: string): void;
  /** Removes a directory and everything below it. */
  removeDir(path: string): void;
  rename(from: string, to: string): void;
  /** Writes a whole small file atomically (write to temp, fsync, rename): checkpoints, metadata. */
  writeFileAtomic(path: string, data: Uint8Array, options?: WriteFileOptions): void;
  /** Reads a whole small file, or null when missing. */
  readFile(path: string): Buffer | null;
  /** Last modification time in ms, used for segment age. */
  mtimeMs(path: string): number;
  /** Size and free space of the volume holding `path` (DescribeLogDirs); absent when there is no volume (memory). */
  volumeSpace?(path: string): { totalBytes: number; usableBytes: number };
}
