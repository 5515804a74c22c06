/**
 * A FileSystem that counts what reaches the one it wraps: fsyncs (of files and of whole-file
 * atomic writes, which fsync), and bytes written per file. For tests that show a cost by a count.
 */
import type { ReadAllocator } from '../../src/broker/storage/BufferPool';
import type { FileHandle, FileSystem, WriteFileOptions } from '../../src/broker/storage/FileSystem';

export class CountingFileSystem implements FileSystem {
  /** fsyncs of open files. */
  fileSyncs = 0;
  /** Whole-file writes that were asked to be durable (each fsyncs the file and its directory). */
  durableWholeFileWrites = 0;
  /** Whole-file writes asked to be replaced without an fsync. */
  lazyWholeFileWrites = 0;
  /** Directory listings. */
  lists = 0;
  /** Bytes read from open files, by path. */
  readonly bytesRead = new Map<string, number>();
  /** Bytes written (appends, patches, whole-file writes) by path. */
  readonly bytesWritten = new Map<string, number>();

  constructor(readonly inner: FileSystem) {}

  reset(): void {
    this.fileSyncs = 0;
    this.durableWholeFileWrites = 0;
    this.lazyWholeFileWrites = 0;
    this.lists = 0;
    this.bytesWritten.clear();
    this.bytesRead.clear();
  }

  /** Bytes written to files whose path passes `which`. */
  bytesTo(which: (path: string) => boolean): number {
    let n = 0;
    for (const [p, b] of this.bytesWritten) if (which(p)) n += b;
    return n;
  }

  private wrote(path: string, bytes: number): void {
    this.bytesWritten.set(path, (this.bytesWritten.get(path) ?? 0) + bytes);
  }

  open(path: string): FileHandle {
    const inner = this.inner.open(path);
    const counter = this;
    return {
      path: inner.path,
      size: () => inner.size(),
      append(data: Uint8Array): number {
        counter.wrote(path, data.length);
        return inner.append(data);
      },
      writeAt(data: Uint8Array, position: number): void {
        counter.wrote(path, data.length);
        inner.writeAt(data, position);
      },
      read(position: number, length: number, alloc?: ReadAllocator): Buffer {
        const bytes = inner.read(position, length, alloc);
        counter.bytesRead.set(path, (counter.bytesRead.get(path) ?? 0) + bytes.length);
        return bytes;
      },
      truncate: (size: number) => inner.truncate(size),
      sync(): void {
        counter.fileSyncs++;
        inner.sync();
      },
      close: () => inner.close(),
    };
  }

  exists(path: string): boolean {
    return this.inner.exists(path);
  }
  mkdirp(path: string): void {
    this.inner.mkdirp(path);
  }
  list(dir: string): string[] {
    this.lists++;
    return this.inner.list(dir);
  }
  remove(path: string): void {
    this.inner.remove(path);
  }
  removeDir(path: string): void {
    this.inner.removeDir(path);
  }
  rename(from: string, to: string): void {
    this.inner.rename(from, to);
  }
  writeFileAtomic(path: string, data: Uint8Array, options?: WriteFileOptions): void {
    if (options?.durable === false) this.lazyWholeFileWrites++;
    else this.durableWholeFileWrites++;
    this.wrote(path, data.length);
    this.inner.writeFileAtomic(path, data, options);
  }
  readFile(path: string): Buffer | null {
    return this.inner.readFile(path);
  }
  mtimeMs(path: string): number {
    return this.inner.mtimeMs(path);
  }
}
