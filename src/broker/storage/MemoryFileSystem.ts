import * as path from 'node:path';
import type { ReadAllocator } from './BufferPool';
import type { FileHandle, FileSystem } from './FileSystem';
import { FaultInjector, fsError, type FaultRule, type InjectedFault } from './FaultInjector';

export type { FaultOperation, FaultRule, InjectedFault } from './FaultInjector';

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
    private readonly owner: MemoryFileSystem,
  ) {}

  size(): number {
    return this.file.size;
  }

  append(data: Uint8Array): number {
    const at = this.file.size;
    this.writeChecked('append', data, at);
    return at;
  }

  writeAt(data: Uint8Array, position: number): void {
    this.writeChecked('writeAt', data, position);
  }

  private writeChecked(op: 'append' | 'writeAt', data: Uint8Array, position: number): void {
    this.ensureOpen();
    const allowed = this.owner.writableBytes(op, this.path, this.file, position, data.length);
    if (allowed.error !== null) {
      if (allowed.bytes > 0) this.write(data.subarray(0, allowed.bytes), position);
      throw allowed.error;
    }
    this.write(data, position);
  }

  private write(data: Uint8Array, position: number): void {
    const f = this.file;
    const end = position + data.length;
    if (end > f.data.length) {
      const grown = Buffer.alloc(Math.max(end, f.data.length * 2, 4096));
      f.data.copy(grown, 0, 0, f.used);
      f.data = grown;
    }
    if (position > f.used) f.data.fill(0, f.used, position);
    f.data.set(data, position);
    this.owner.allocated += Math.max(0, end - f.used);
    f.used = Math.max(f.used, end);
    f.size = Math.max(f.size, end);
    f.mtimeMs = Date.now();
  }

  read(position: number, length: number, alloc?: ReadAllocator): Buffer {
    this.ensureOpen();
    this.owner.faults.throwIfFaulted('read', this.path);
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
    this.owner.faults.throwIfFaulted('truncate', this.path);
    const f = this.file;
    if (size < f.used) {
      this.owner.allocated -= f.used - size;
      f.used = size;
    }
    f.size = size;
    f.mtimeMs = Date.now();
  }

  sync(): void {
    this.ensureOpen();
    this.owner.faults.throwIfFaulted('sync', this.path);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.owner.faults.throwIfFaulted('close', this.path);
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error(`file ${this.path} is closed`);
  }
}

/**
 * An in-memory filesystem with the same semantics as DiskFileSystem: fast unit tests and
 * ephemeral brokers. Paths are normalised with node:path (posix or win32 as the platform is).
 * Tests inject faults (`injectFault`: a chosen operation on chosen files fails with a chosen
 * errno) and give it a capacity (`setCapacity`: writes past it fail with ENOSPC after writing
 * what fits), to see what the storage code does on a failing or full disk.
 */
export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, MemoryFile>();
  private readonly dirs = new Set<string>();
  /** @internal the handles' view of injected faults. */
  readonly faults = new FaultInjector();
  /** @internal bytes written and not truncated away, over every file (what a capacity bounds). */
  allocated = 0;

  /** Makes matching calls fail until the returned fault is removed (or `times` failures). */
  injectFault(rule: FaultRule): InjectedFault {
    return this.faults.add(rule);
  }

  /** Removes every injected fault. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Bounds the bytes all files may hold (null: unbounded); a write past it fails with ENOSPC. */
  setCapacity(bytes: number | null): void {
    this.faults.capacityBytes = bytes;
  }

  /** Bytes the files hold now. */
  get usedBytes(): number {
    return this.allocated;
  }

  /** @internal how many of `length` bytes at `position` may be written, and the error for the rest. */
  writableBytes(op: 'writeAt' | 'append', filePath: string, file: { used: number }, position: number, length: number): { bytes: number; error: Error | null } {
    const rule = this.faults.check(op === 'append' ? 'append' : 'writeAt', filePath);
    if (rule) return { bytes: Math.min(length, rule.partialBytes ?? 0), error: fsError(rule.code ?? 'EIO', 'write', filePath) };
    const capacity = this.faults.capacityBytes;
    if (capacity === null) return { bytes: length, error: null };
    const growth = Math.max(0, position + length - file.used);
    const room = capacity - this.allocated;
    if (growth <= room) return { bytes: length, error: null };
    // the bytes below the file's current end need no new space
    const fits = Math.max(0, Math.min(length, file.used - position + Math.max(0, room)));
    return { bytes: fits, error: fsError('ENOSPC', 'write', filePath) };
  }

  open(filePath: string): FileHandle {
    this.faults.throwIfFaulted('open', filePath);
    const p = path.resolve(filePath);
    let file = this.files.get(p);
    if (!file) {
      this.requireDir(path.dirname(p));
      file = { data: Buffer.alloc(0), used: 0, size: 0, mtimeMs: Date.now() };
      this.files.set(p, file);
    }
    return new MemoryFileHandle(filePath, file, this);
  }

  exists(filePath: string): boolean {
    const p = path.resolve(filePath);
    return this.files.has(p) || this.dirs.has(p);
  }

  mkdirp(dir: string): void {
    this.faults.throwIfFaulted('mkdirp', dir);
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
    this.faults.throwIfFaulted('remove', filePath);
    this.drop(path.resolve(filePath));
  }

  private drop(resolved: string): void {
    const file = this.files.get(resolved);
    if (!file) return;
    this.allocated -= file.used;
    this.files.delete(resolved);
  }

  removeDir(dir: string): void {
    this.faults.throwIfFaulted('removeDir', dir);
    const p = path.resolve(dir);
    const prefix = p + path.sep;
    for (const key of [...this.files.keys()]) if (key.startsWith(prefix)) this.drop(key);
    for (const key of [...this.dirs]) if (key === p || key.startsWith(prefix)) this.dirs.delete(key);
  }

  rename(from: string, to: string): void {
    this.faults.throwIfFaulted('rename', from);
    const src = path.resolve(from);
    const file = this.files.get(src);
    if (!file) throw Object.assign(new Error(`ENOENT: no such file '${from}'`), { code: 'ENOENT' });
    this.requireDir(path.dirname(path.resolve(to)));
    this.files.delete(src);
    this.drop(path.resolve(to));
    this.files.set(path.resolve(to), file);
  }

  writeFileAtomic(filePath: string, data: Uint8Array): void {
    this.faults.throwIfFaulted('writeFileAtomic', filePath);
    const p = path.resolve(filePath);
    this.requireDir(path.dirname(p));
    // the new content is written beside the old one before the rename replaces it
    const capacity = this.faults.capacityBytes;
    if (capacity !== null && this.allocated + data.length > capacity) throw fsError('ENOSPC', 'write', `${filePath}.tmp`);
    const copy = Buffer.from(data);
    this.drop(p);
    this.files.set(p, { data: copy, used: copy.length, size: copy.length, mtimeMs: Date.now() });
    this.allocated += copy.length;
  }

  readFile(filePath: string): Buffer | null {
    this.faults.throwIfFaulted('readFile', filePath);
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
