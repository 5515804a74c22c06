import * as path from 'node:path';
import type { ReadAllocator } from './BufferPool';
import type { FileHandle, FileSystem } from './FileSystem';

/** A file's bytes: `data` may be shorter than `size` (a preallocated tail reads as zeros). */
interface MemoryFile {
  data: Buffer;
  used: number;
  size: number;
  mtimeMs: number;
}

class MemoryFileHandle implements FileHandle {
  private closed = false;

  constructor(
    readonly path: string,
    private readonly file: MemoryFile,
  ) {}

  size(): number {
    return this.file.size;
  }

  append(data: Uint8Array): number {
    const at = this.file.size;
    this.writeAt(data, at);
    return at;
  }

  writeAt(data: Uint8Array, position: number): void {
    this.ensureOpen();
    const f = this.file;
    const end = position + data.length;
    if (end > f.data.length) {
      const grown = Buffer.alloc(Math.max(end, f.data.length * 2, 4096));
      f.data.copy(grown, 0, 0, f.used);
      f.data = grown;
    }
    if (position > f.used) f.data.fill(0, f.used, position);
    f.data.set(data, position);
    f.used = Math.max(f.used, end);
    f.size = Math.max(f.size, end);
    f.mtimeMs = Date.now();
  }

  read(position: number, length: number, alloc?: ReadAllocator): Buffer {
    this.ensureOpen();
    const f = this.file;
    const end = Math.min(position + length, f.size);
    if (end <= position) return Buffer.alloc(0);
    const out = alloc ? alloc(end - position) : Buffer.alloc(end - position);
    const copied = position < f.used ? f.data.copy(out, 0, position, Math.min(end, f.used)) : 0;
    if (alloc && copied < out.length) out.fill(0, copied); // sparse tail reads as zeros
    return out;
  }

  truncate(size: number): void {
    this.ensureOpen();
    const f = this.file;
    if (size < f.used) f.used = size;
    f.size = size;
    f.mtimeMs = Date.now();
  }

  sync(): void {
    this.ensureOpen();
  }

  close(): void {
    this.closed = true;
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error(`file ${this.path} is closed`);
  }
}

/**
 * An in-memory filesystem with the same semantics as DiskFileSystem: fast unit tests and
 * ephemeral brokers. Paths are normalised with node:path (posix or win32 as the platform is).
 */
export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, MemoryFile>();
  private readonly dirs = new Set<string>();

  open(filePath: string): FileHandle {
    const p = path.resolve(filePath);
    let file = this.files.get(p);
    if (!file) {
      this.requireDir(path.dirname(p));
      file = { data: Buffer.alloc(0), used: 0, size: 0, mtimeMs: Date.now() };
      this.files.set(p, file);
    }
    return new MemoryFileHandle(filePath, file);
  }

  exists(filePath: string): boolean {
    const p = path.resolve(filePath);
    return this.files.has(p) || this.dirs.has(p);
  }

  mkdirp(dir: string): void {
    let p = path.resolve(dir);
    while (!this.dirs.has(p) && path.dirname(p) !== p) {
      this.dirs.add(p);
      p = path.dirname(p);
    }
  }

  list(dir: string): string[] {
    const p = path.resolve(dir);
    const names: string[] = [];
    for (const key of [...this.files.keys(), ...this.dirs]) {
      if (path.dirname(key) === p) names.push(path.basename(key));
    }
    return names.sort();
  }

  remove(filePath: string): void {
    this.files.delete(path.resolve(filePath));
  }

  removeDir(dir: string): void {
    const p = path.resolve(dir);
    const prefix = p + path.sep;
    for (const key of [...this.files.keys()]) if (key.startsWith(prefix)) this.files.delete(key);
    for (const key of [...this.dirs]) if (key === p || key.startsWith(prefix)) this.dirs.delete(key);
  }

  rename(from: string, to: string): void {
    const src = path.resolve(from);
    const file = this.files.get(src);
    if (!file) throw Object.assign(new Error(`ENOENT: no such file '${from}'`), { code: 'ENOENT' });
    this.requireDir(path.dirname(path.resolve(to)));
    this.files.delete(src);
    this.files.set(path.resolve(to), file);
  }

  writeFileAtomic(filePath: string, data: Uint8Array): void {
    const p = path.resolve(filePath);
    this.requireDir(path.dirname(p));
    const copy = Buffer.from(data);
    this.files.set(p, { data: copy, used: copy.length, size: copy.length, mtimeMs: Date.now() });
  }

  readFile(filePath: string): Buffer | null {
    const file = this.files.get(path.resolve(filePath));
    if (!file) return null;
    const out = Buffer.alloc(file.size);
    file.data.copy(out, 0, 0, Math.min(file.used, file.size));
    return out;
  }

  mtimeMs(filePath: string): number {
    const file = this.files.get(path.resolve(filePath));
    if (!file) throw Object.assign(new Error(`ENOENT: no such file '${filePath}'`), { code: 'ENOENT' });
    return file.mtimeMs;
  }

  private requireDir(dir: string): void {
    if (!this.dirs.has(dir) && path.dirname(dir) !== dir) {
      throw Object.assign(new Error(`ENOENT: no such directory '${dir}'`), { code: 'ENOENT' });
    }
  }
}
