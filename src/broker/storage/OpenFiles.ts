import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** A file that holds a descriptor only while it is among the most recently used ones. */
export interface CachedDescriptor {
  readonly path: string;
  /** The open descriptor, -1 while closed. Set by OpenFiles only. */
  fd: number;
  /** Neighbours in the use order, maintained by OpenFiles only. */
  newer: CachedDescriptor | null;
  older: CachedDescriptor | null;
}

/**
 * The open descriptors of one filesystem, at most `capacity` of them, least recently used closed
 * first (Kafka keeps every segment open; a broker with tens of thousands of partitions would
 * exhaust the process limit that way and could not even restart). Transient opens (whole-file
 * reads and writes, directory listings) that still hit EMFILE close half of the cached
 * descriptors and try again: another file system or the sockets may hold the rest of the limit.
 */
export class OpenFiles {
  /** Most recently used first. */
  private newest: CachedDescriptor | null = null;
  private oldest: CachedDescriptor | null = null;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`maxOpenFiles must be a positive integer, got ${capacity}`);
  }

  /** Descriptors open now. */
  get size(): number {
    return this.count;
  }

  /** The file's descriptor, opened with `flags` when it has none (closing the least recently used one when full). */
  descriptor(file: CachedDescriptor, flags: number): number {
    if (file.fd >= 0) {
      if (this.newest !== file) {
        this.unlink(file);
        this.linkNewest(file);
      }
      return file.fd;
    }
    while (this.count >= this.capacity && this.oldest) this.release(this.oldest);
    file.fd = this.retrying(() => fs.openSync(file.path, flags));
    this.linkNewest(file);
    return file.fd;
  }

  /** Closes the file's descriptor if it has one; its next use reopens it. */
  release(file: CachedDescriptor): void {
    if (file.fd < 0) return;
    const fd = file.fd;
    this.unlink(file);
    file.fd = -1;
    fs.closeSync(fd);
  }

  /**
   * Runs `open` (anything that takes a descriptor); when the process is out of descriptors it
   * closes half of the cached ones and tries again, until none is left to close.
   */
  retrying<T>(open: () => T): T {
    for (;;) {
      try {
        return open();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if ((code !== 'EMFILE' && code !== 'ENFILE') || this.count === 0) throw err;
        for (let n = Math.max(1, this.count >> 1); n > 0 && this.oldest; n--) this.release(this.oldest);
      }
    }
  }

  private linkNewest(file: CachedDescriptor): void {
    file.older = this.newest;
    file.newer = null;
    if (this.newest) this.newest.newer = file;
    this.newest = file;
    if (!this.oldest) this.oldest = file;
    this.count++;
  }

  private unlink(file: CachedDescriptor): void {
    if (file.newer) file.newer.older = file.older;
    else this.newest = file.older;
    if (file.older) file.older.newer = file.newer;
    else this.oldest = file.newer;
    file.newer = null;
    file.older = null;
    this.count--;
  }
}

/** How descriptors are shared when no bound is given: files get part of the process's limit. */
export const OPEN_FILES_DEFAULTS = {
  /** Part of the descriptor limit segment files may hold; the rest is for sockets and transient opens. */
  shareOfLimit: 0.5,
  /** Descriptors left to the runtime (stdio, event loop, worker pipes) before the share is taken. */
  runtimeReserve: 32,
  /** The least a file system keeps open however low the limit. */
  minimum: 8,
  /** Assumed limit where the platform does not say (the common soft limit). */
  assumedLimit: 1024,
  /** The limit counted for an unlimited RLIMIT_NOFILE. */
  unlimitedAs: 1048576,
} as const;

/** The descriptors files may hold under a process limit of `limit`. */
export function descriptorLimitShare(limit: number): number {
  const d = OPEN_FILES_DEFAULTS;
  return Math.max(d.minimum, Math.floor((limit - d.runtimeReserve) * d.shareOfLimit));
}

/**
 * The process's soft limit on open descriptors (RLIMIT_NOFILE), read from /proc/self/limits, else
 * from the shell's `ulimit -n` (Node has no getrlimit); null where neither says.
 */
export function processDescriptorLimit(): number | null {
  let text: string | null = null;
  try {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    text = line ? line.slice('Max open files'.length).trim().split(/\s+/)[0] : null;
  } catch {
    try {
      text = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  }
  if (text === 'unlimited') return OPEN_FILES_DEFAULTS.unlimitedAs;
  const soft = Number(text);
  return Number.isInteger(soft) && soft > 0 ? soft : null;
}

/** The default bound: a share of the process's descriptor limit. */
export function defaultMaxOpenFiles(): number {
  return descriptorLimitShare(processDescriptorLimit() ?? OPEN_FILES_DEFAULTS.assumedLimit);
}
