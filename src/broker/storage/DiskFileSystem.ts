import * as fs from 'node:fs';
import * as path from 'node:path';
import { BinderyError } from '../../protocol/primitives/errors';
import { plainAllocator, type ReadAllocator } from './BufferPool';
import type { FileHandle, FileSystem, WriteFileOptions } from './FileSystem';
import { OpenFiles, defaultMaxOpenFiles, type CachedDescriptor } from './OpenFiles';

/** Opens an existing file for reading and writing, never creating it (a reopen must not recreate a removed file). */
const REOPEN = fs.constants.O_RDWR;
/** Opens a file for reading and writing, creating it when missing, never truncating it. */
const OPEN_OR_CREATE = fs.constants.O_RDWR | fs.constants.O_CREAT;

/** A handle used after `close()`: a bug in its owner, which must open the file again. */
export class FileClosedError extends BinderyError {
  constructor(filePath: string) {
    super('FILE_CLOSED', `file ${filePath} is closed: open it again through the file system`);
  }
}

/**
 * A file whose descriptor is opened on use and closed when it is the least recently used one of
 * its file system (OpenFiles). The size is tracked in memory and every write is positioned, so
 * an append is a single `writeSync` (no fstat, no O_APPEND: index files are patched in place)
 * and nothing depends on which descriptor served it. Dirty pages belong to the file, not the
 * descriptor: `sync` through a reopened descriptor makes them durable all the same.
 */
class DiskFileHandle implements FileHandle, CachedDescriptor {
  fd = -1;
  newer: CachedDescriptor | null = null;
  older: CachedDescriptor | null = null;
  private length: number;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly openFiles: OpenFiles,
  ) {
    // An existing file is only stat'ed: opening thousands of segments at start-up costs no descriptor.
    const stat = fs.statSync(path, { throwIfNoEntry: false });
    if (stat) this.length = stat.size;
    else this.length = fs.fstatSync(openFiles.descriptor(this, OPEN_OR_CREATE)).size;
  }

  private descriptor(): number {
    if (this.closed) throw new FileClosedError(this.path);
    return this.openFiles.descriptor(this, REOPEN);
  }

  size(): number {
    return this.length;
  }

  append(data: Uint8Array): number {
    const at = this.length;
    this.writeAt(data, at);
    return at;
  }

  writeAt(data: Uint8Array, position: number): void {
    const fd = this.descriptor();
    let done = 0;
    while (done < data.length) {
      done += fs.writeSync(fd, data, done, data.length - done, position + done);
    }
    if (position + data.length > this.length) this.length = position + data.length;
  }

  read(position: number, length: number, alloc: ReadAllocator = plainAllocator): Buffer {
    const fd = this.descriptor();
    const want = Math.max(0, Math.min(length, this.length - position));
    const buf = alloc(want);
    let done = 0;
    while (done < want) {
      const n = fs.readSync(fd, buf, done, want - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done === want ? buf : buf.subarray(0, done);
  }

  truncate(size: number): void {
    fs.ftruncateSync(this.descriptor(), size);
    this.length = size;
  }

  sync(): void {
    fs.fsyncSync(this.descriptor());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.openFiles.release(this);
  }
}

export interface DiskFileSystemOptions {
  /**
   * Descriptors the files opened through this file system may hold at once; the least recently
   * used is closed past it. Default: a share of the process's descriptor limit, the rest left to
   * sockets (descriptorLimitShare).
   */
  maxOpenFiles?: number;
}

/** The real filesystem through node:fs synchronous calls. */
export class DiskFileSystem implements FileSystem {
  private readonly openFiles: OpenFiles;

  constructor(options: DiskFileSystemOptions = {}) {
    this.openFiles = new OpenFiles(options.maxOpenFiles ?? defaultMaxOpenFiles());
  }

  /** The bound on descriptors held by open files. */
  get maxOpenFiles(): number {
    return this.openFiles.capacity;
  }

  /** Descriptors held by open files now. */
  get openDescriptors(): number {
    return this.openFiles.size;
  }

  open(filePath: string): FileHandle {
    return new DiskFileHandle(filePath, this.openFiles);
  }

  exists(filePath: string): boolean {
    return fs.existsSync(filePath);
  }

  mkdirp(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
  }

  list(dir: string): string[] {
    try {
      return this.openFiles.retrying(() => fs.readdirSync(dir));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  remove(filePath: string): void {
    fs.rmSync(filePath, { force: true });
  }

  removeDir(dir: string): void {
    this.openFiles.retrying(() => fs.rmSync(dir, { recursive: true, force: true }));
  }

  rename(from: string, to: string): void {
    fs.renameSync(from, to);
  }

  writeFileAtomic(filePath: string, data: Uint8Array, options?: WriteFileOptions): void {
    const durable = options?.durable !== false;
    const tmp = `${filePath}.tmp`;
    const fd = this.openFiles.retrying(() => fs.openSync(tmp, 'w'));
    try {
      fs.writeSync(fd, data);
      if (durable) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, filePath);
    if (durable) this.openFiles.retrying(() => syncDir(path.dirname(filePath)));
  }

  readFile(filePath: string): Buffer | null {
    try {
      return this.openFiles.retrying(() => fs.readFileSync(filePath));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  mtimeMs(filePath: string): number {
    return fs.statSync(filePath).mtimeMs;
  }

  /** As Java's FileStore getTotalSpace / getUsableSpace (blocks available to unprivileged users). */
  volumeSpace(dirPath: string): { totalBytes: number; usableBytes: number } {
    const st = fs.statfsSync(dirPath);
    return { totalBytes: st.blocks * st.bsize, usableBytes: st.bavail * st.bsize };
  }
}

/**
 * fsync of the directory makes a rename durable; some platforms refuse it, which is harmless
 * there. Running out of descriptors is not such a refusal: it is thrown, for `retrying`.
 */
function syncDir(dir: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EMFILE' || code === 'ENFILE') throw err;
    // not supported on this platform
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}
