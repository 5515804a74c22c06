/**
 * One broker per data directory (Kafka's `.lock`): two brokers appending to the same logs would
 * corrupt them. Within a process a registry refuses a second open; across processes the lock file
 * names the owning pid, and a lock whose process is gone (a crash) is taken over.
 */
import * as os from 'node:os';
import { BinderyError } from '../../protocol/primitives';
import type { FileSystem } from '../storage/FileSystem';
import type { Logger } from '../../logging';
import { describeFsError, isDiskFull } from '../log/errors';

export const LOCK_FILE = '.lock';

export class DataDirLockedError extends BinderyError {
  constructor(dir: string, owner: string) {
    super(
      'DATA_DIR_LOCKED',
      `Data directory ${dir} is in use by ${owner}: stop that broker first, or give this one another data directory. ` +
        `For processes to share topics, run one \`bindery broker --data-dir ${dir}\` and connect every app to it with the kafka binder ` +
        `(binder: 'kafka', binders.kafka.brokers).`,
    );
  }
}

const held = new WeakMap<FileSystem, Set<string>>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DataDirLock {
  private constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
  ) {}

  static acquire(fs: FileSystem, dir: string, logger?: Logger): DataDirLock {
    const mine = held.get(fs) ?? new Set<string>();
    held.set(fs, mine);
    if (mine.has(dir)) throw new DataDirLockedError(dir, 'another broker in this process');
    const path = `${dir}/${LOCK_FILE}`;
    const raw = fs.readFile(path);
    if (raw) {
      const [pidText, host] = raw.toString('utf8').split('\n');
      const pid = Number(pidText);
      if (host === os.hostname() && Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
        throw new DataDirLockedError(dir, `process ${pid}`);
      }
    }
    try {
      fs.writeFileAtomic(path, Buffer.from(`${process.pid}\n${os.hostname()}\n`));
    } catch (err) {
      // A full disk must not keep the broker from starting (read-only until space returns):
      // the directory is still held in this process, and a stale lock names a dead process.
      if (!isDiskFull(err)) throw err;
      logger?.warn(`writing the lock file ${path} failed (${describeFsError(err)}): starting anyway; free disk space`);
    }
    mine.add(dir);
    return new DataDirLock(fs, dir);
  }

  release(): void {
    held.get(this.fs)?.delete(this.dir);
    const path = `${this.dir}/${LOCK_FILE}`;
    if (this.fs.exists(path)) this.fs.remove(path);
  }
}
