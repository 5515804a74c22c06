import * as fs from 'node:fs';
import * as path from 'node:path';
import { plainAllocator, type ReadAllocator } from './BufferPool';
import type { FileHandle, FileSystem } from './FileSystem';

/**
 * One open file descriptor kept for the life of the handle. The size is tracked in memory so an
 * append is a single positioned `writeSync` (no fstat, no O_APPEND: index files are patched in place).
 */
class DiskFileHandle implements FileHandle {
  private fd: number;
  private length: number;

  constructor(readonly path: string) {
    this.fd = fs.openSync(path, fs.existsSync(path) ? 'r+' : 'w+');
    this.length = fs.fstatSync(this.fd).size;
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
    let done = 0;
    while (done < data.length) {
      done += fs.writeSync(this.fd, data, done, data.length - done, position + done);
    }
    if (position + data.length > this.length) this.length = position + data.length;
  }

  read(position: number, length: number, alloc: ReadAllocator = plainAllocator): Buffer {
    const want = Math.max(0, Math.min(length, this.length - position));
    const buf = alloc(want);
    let done = 0;
    while (done < want) {
      const n = fs.readSync(this.fd, buf, done, want - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done === want ? buf : buf.subarray(0, done);
  }

  truncate(size: number): void {
    fs.ftruncateSync(this.fd, size);
    this.length = size;
  }

  sync(): void {
    fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd < 0) return;
    fs.closeSync(this.fd);
    this.fd = -1;
  }
}

/** The real filesystem through node:fs synchronous calls. */
export class DiskFileSystem implements FileSystem {
  open(filePath: string): FileHandle {
    return new DiskFileHandle(filePath);
  }

  exists(filePath: string): boolean {
    return fs.existsSync(filePath);
  }

  mkdirp(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
  }

  list(dir: string): string[] {
    try {
      return fs.readdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  remove(filePath: string): void {
    fs.rmSync(filePath, { force: true });
  }

  removeDir(dir: string): void {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  rename(from: string, to: string): void {
    fs.renameSync(from, to);
  }

  writeFileAtomic(filePath: string, data: Uint8Array): void {
    const tmp = `${filePath}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, filePath);
    syncDir(path.dirname(filePath));
  }

  readFile(filePath: string): Buffer | null {
    try {
      return fs.readFileSync(filePath);
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

/** fsync of the directory makes a rename durable; some platforms refuse it, which is harmless there. */
function syncDir(dir: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // not supported on this platform
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}
