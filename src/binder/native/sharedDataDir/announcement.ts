/**
 * What the process holding a data directory tells the others: where it serves the log on the Kafka
 * protocol. One line, `bindery-datadir <version> <json>\n`, sent on the election socket to every
 * process waiting on it and written to `<dataDir>/.serving` for people and tools.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ANNOUNCEMENT_MAGIC = 'bindery-datadir';
/** Raised when the hand-off or the client path changes incompatibly. */
export const ANNOUNCEMENT_VERSION = 1;
export const ANNOUNCEMENT_FILE = '.serving';
const MAX_LINE_BYTES = 4096;

export interface Announcement {
  pid: number;
  host: string;
  port: number;
}

export function encodeAnnouncement(a: Announcement): Buffer {
  return Buffer.from(`${ANNOUNCEMENT_MAGIC} ${ANNOUNCEMENT_VERSION} ${JSON.stringify(a)}\n`);
}

export function writeAnnouncementFile(dataDir: string, a: Announcement): void {
  const file = path.join(dataDir, ANNOUNCEMENT_FILE);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify({ ...a, protocol: 'kafka', version: ANNOUNCEMENT_VERSION }) + '\n');
  fs.renameSync(`${file}.tmp`, file);
}

/** The port the last holder served on (a successor serves on it again when it can), or 0. */
export function lastServedPort(dataDir: string): number {
  try {
    const port = (JSON.parse(fs.readFileSync(path.join(dataDir, ANNOUNCEMENT_FILE), 'utf8')) as { port?: unknown }).port;
    return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : 0;
  } catch {
    return 0;
  }
}

/** Why received bytes are not an announcement this version understands. */
export class AnnouncementMismatch extends Error {}

/**
 * Reads an announcement from the bytes received so far: the announcement, null while more bytes
 * may complete it, or an AnnouncementMismatch as soon as they cannot.
 */
export function parseAnnouncement(received: Buffer): Announcement | null {
  const prefix = Buffer.from(`${ANNOUNCEMENT_MAGIC} `);
  const head = received.subarray(0, prefix.length);
  if (!head.equals(prefix.subarray(0, head.length))) throw new AnnouncementMismatch(`answered with another protocol (${printable(received)})`);
  const end = received.indexOf(0x0a);
  if (end < 0) {
    if (received.length > MAX_LINE_BYTES) throw new AnnouncementMismatch('sent an over-long hand-off line');
    return null;
  }
  const line = received.subarray(prefix.length, end).toString('utf8');
  const space = line.indexOf(' ');
  const version = Number(line.slice(0, space));
  if (version !== ANNOUNCEMENT_VERSION) throw new AnnouncementMismatch(`speaks hand-off version ${line.slice(0, space)} (this process speaks ${ANNOUNCEMENT_VERSION})`);
  let parsed: Partial<Announcement>;
  try {
    parsed = JSON.parse(line.slice(space + 1)) as Partial<Announcement>;
  } catch {
    throw new AnnouncementMismatch(`sent an unreadable hand-off line (${printable(received)})`);
  }
  const { pid, host, port } = parsed;
  if (!Number.isInteger(pid) || typeof host !== 'string' || !Number.isInteger(port)) throw new AnnouncementMismatch(`sent an incomplete hand-off line (${printable(received)})`);
  return { pid: pid!, host, port: port! };
}

function printable(bytes: Buffer): string {
  const text = bytes.subarray(0, 40).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  return JSON.stringify(text + (bytes.length > 40 ? '…' : ''));
}
