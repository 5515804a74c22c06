/**
 * One data directory shared by the processes of a machine. The first process to open it holds it
 * (election.ts), opens the log and serves it on loopback; a later one finds it held, checks that
 * the holder speaks this hand-off and the Kafka protocol, and becomes a client of it. A client
 * stays connected to the holder's election socket: when the holder exits or dies, the clients
 * stand for election, the winner opens the log (recovery as after any crash) and serves it, and
 * the others learn its address from its announcement.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Broker } from '../../../broker/Broker';
import { LOCK_FILE } from '../../../broker/topics/DataDirLock';
import type { Logger } from '../../../logging';
import { AnnouncementMismatch, parseAnnouncement, type Announcement } from './announcement';
import { connectToHolder, electionAddress, tryHold } from './election';
import { SharedDataDirProtocolError, SharedDataDirTimeoutError } from './errors';
import { probeKafka } from './probeKafka';
import { serveDataDir, type ServedDataDir } from './serveDataDir';

export interface SharedDataDirOptions {
  dataDir: string;
  /** Opens the log of `dataDir` (taking its lock). */
  openBroker: () => Promise<Broker>;
  logger?: Logger;
  /** How long a process waits for the holder to say where it serves (it may be recovering the log). */
  handOffTimeoutMs: number;
}

/** Waits between attempts to take over a directory whose lock is still held. */
const TAKE_OVER_BACKOFF_MS = 200;
const TAKE_OVER_BACKOFF_MAX_MS = 5000;

/** The pid named in the directory's lock file, for messages. */
function lockHolder(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The holder's announcement on `socket`; null when the holder went away before announcing. */
function readAnnouncement(socket: net.Socket, dataDir: string, timeoutMs: number): Promise<Announcement | null> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const finish = (error: Error | null, result: Announcement | null = null): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (error) {
        socket.destroy();
        reject(error);
      } else resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      try {
        const announcement = parseAnnouncement(received);
        if (announcement) finish(null, announcement);
      } catch (err) {
        if (err instanceof AnnouncementMismatch) finish(new SharedDataDirProtocolError(dataDir, lockHolder(dataDir), err.message));
        else throw err;
      }
    };
    const onClose = (): void => finish(null, null);
    const timer = setTimeout(() => finish(new SharedDataDirTimeoutError(dataDir, lockHolder(dataDir), timeoutMs)), timeoutMs);
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

export class SharedDataDir {
  private served: ServedDataDir | null;
  private holder: net.Socket | null = null;
  private current: Announcement;
  private closed = false;
  private standing: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(a: Announcement) => void>();
  /** How many times the serving process went away while this process followed it. */
  handOvers = 0;

  private constructor(
    private readonly options: SharedDataDirOptions,
    readonly dataDir: string,
    private readonly address: string,
    served: ServedDataDir | null,
    announcement: Announcement,
  ) {
    this.served = served;
    this.current = announcement;
  }

  /** Holds and serves `dataDir`, or connects to the process that does. */
  static async open(options: SharedDataDirOptions): Promise<SharedDataDir> {
    const dataDir = path.resolve(options.dataDir);
    fs.mkdirSync(dataDir, { recursive: true });
    const address = electionAddress(dataDir);
    const deadline = Date.now() + options.handOffTimeoutMs;
    for (;;) {
      const hold = await tryHold(address);
      if (hold) {
        const served = await serveDataDir(dataDir, hold, options.openBroker, options.logger);
        return new SharedDataDir(options, dataDir, address, served, served.announcement);
      }
      const holder = await connectToHolder(address);
      const announcement = holder && (await readAnnouncement(holder, dataDir, Math.max(deadline - Date.now(), 1)));
      if (!holder || !announcement) {
        // The holder went away in between: stand again, within the same deadline.
        if (Date.now() > deadline) throw new SharedDataDirTimeoutError(dataDir, lockHolder(dataDir), options.handOffTimeoutMs);
        continue;
      }
      await probeKafka(announcement.host, announcement.port, options.handOffTimeoutMs).catch((err: unknown) => {
        holder.destroy();
        throw err instanceof AnnouncementMismatch ? new SharedDataDirProtocolError(dataDir, announcement.pid, err.message) : err;
      });
      const shared = new SharedDataDir(options, dataDir, address, null, announcement);
      shared.follow(holder);
      return shared;
    }
  }

  /** The broker of the log when this process serves it (first, or after a take-over); null for a client. */
  get broker(): Broker | null {
    return this.served?.broker ?? null;
  }

  /** Where the log is served now. */
  get announcement(): Announcement {
    return this.current;
  }

  /** Calls `listener` each time another process (or this one, after a take-over) starts serving. */
  onAnnouncement(listener: (a: Announcement) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.holder?.destroy();
    await this.standing;
    await this.served?.close();
  }

  private follow(holder: net.Socket): void {
    this.holder = holder;
    holder.once('close', () => {
      if (this.closed) return;
      this.handOvers++;
      this.standing = this.takeOver().catch((err: unknown) => this.options.logger?.error({ err: err }, `taking over data directory ${this.dataDir} failed`));
    });
  }

  /** The holder is gone: take the directory, or follow whoever did. */
  private async takeOver(): Promise<void> {
    const gone = this.current.pid;
    let lastFailure = '';
    let attempts = 0;
    while (!this.closed) {
      const hold = await tryHold(this.address);
      if (hold) {
        try {
          this.removeLockOf(gone);
          const opening = Date.now();
          const served = await serveDataDir(this.dataDir, hold, this.options.openBroker, this.options.logger);
          if (this.closed) return void (await served.close());
          this.served = served;
          this.options.logger?.info(
            `process ${gone} stopped serving data directory ${this.dataDir}: this process (${process.pid}) serves it now on ` +
              `${served.announcement.host}:${served.announcement.port} (log opened in ${Date.now() - opening} ms)`,
          );
          return this.announce(served.announcement);
        } catch (err) {
          // The lock may still name a live process for a moment (or a broker outside the hand-off holds it).
          const message = (err as Error).message;
          if (message !== lastFailure) this.options.logger?.warn(`taking over data directory ${this.dataDir}: ${message}; trying again`);
          lastFailure = message;
          await this.pause(attempts++);
          continue;
        }
      }
      const holder = await connectToHolder(this.address);
      if (!holder) continue;
      this.holder = holder;
      try {
        const announcement = await readAnnouncement(holder, this.dataDir, this.options.handOffTimeoutMs);
        if (!announcement) continue;
        if (this.closed) return void holder.destroy();
        this.follow(holder);
        this.options.logger?.info(`process ${gone} stopped serving data directory ${this.dataDir}: process ${announcement.pid} serves it now on ${announcement.host}:${announcement.port}`);
        return this.announce(announcement);
      } catch (err) {
        this.options.logger?.error({ err: err }, `following data directory ${this.dataDir} to its new holder failed; trying again`);
        await this.pause(attempts++);
      }
    }
  }

  /**
   * The lock file of the holder whose election socket closed is stale even while its pid still
   * answers (a killed process its parent has not reaped yet): the kernel closed its sockets, so it
   * holds nothing and writes nothing. A lock naming any other process is left to the broker's check.
   */
  private removeLockOf(pid: number): void {
    if (lockHolder(this.dataDir) === pid) fs.rmSync(path.join(this.dataDir, LOCK_FILE), { force: true });
  }

  private announce(announcement: Announcement): void {
    this.current = announcement;
    for (const listener of this.listeners) listener(announcement);
  }

  /** Doubles from TAKE_OVER_BACKOFF_MS up to TAKE_OVER_BACKOFF_MAX_MS with each failed attempt. */
  private pause(attempt: number): Promise<void> {
    const ms = Math.min(TAKE_OVER_BACKOFF_MS * 2 ** Math.min(attempt, 10), TAKE_OVER_BACKOFF_MAX_MS);
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
  }
}
