import * as path from 'node:path';
import type { ReadAllocator } from './BufferPool';
import type { FileHandle, FileSystem } from './FileSystem';

/**
 * A new, empty file that is created (with its directory) on its first write or read. A new log's
 * first segment costs a mkdir, three opens and two ftruncates (log, offset index, time index); a
 * broker starts with the 50 partitions of `__consumer_offsets`, most of which a small deployment
 * never writes, so their directories and files are made when a group first commits there (a
 * fresh broker opens several times faster: bench/notes/protocol-hot-path.md).
 * Until then the file has the size set by `truncate` (zeros, like a preallocated index); `sync`
 * and `close` have nothing to do.
 */
export class DeferredFile implements FileHandle {
  private handle: FileHandle | null = null;
  private pendingSize = 0;

  constructor(
    private readonly fs: FileSystem,
    readonly path: string,
    /** Runs once the file exists (a segment's log file makes its index files with it). */
    private readonly onCreate?: () => void,
  ) {}

  /** Whether the file exists on the filesystem yet. */
  get created(): boolean {
    return this.handle !== null;
  }

  /** Makes the file now if it does not exist yet. */
  create(): void {
    this.file();
  }

  private file(): FileHandle {
    if (this.handle === null) {
      this.fs.mkdirp(path.dirname(this.path));
      const handle = this.fs.open(this.path);
      handle.truncate(this.pendingSize);
      this.handle = handle;
      this.onCreate?.();
    }
    return this.handle;
  }

  size(): number {
    return this.handle === null ? this.pendingSize : this.handle.size();
  }

  append(data: Uint8Array): number {
    return this.file().append(data);
  }

  writeAt(data: Uint8Array, position: number): void {
    this.file().writeAt(data, position);
  }

  read(position: number, length: number, alloc?: ReadAllocator): Buffer {
    return this.file().read(position, length, alloc);
  }

  truncate(size: number): void {
    if (this.handle === null) this.pendingSize = size;
    else this.handle.truncate(size);
  }

  sync(): void {
    this.handle?.sync();
  }

  close(): void {
    this.handle?.close();
  }
}
