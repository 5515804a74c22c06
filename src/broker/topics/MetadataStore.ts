/**
 * The broker's own metadata: cluster id, topics (id, partition count, config overrides), the
 * producer-id block, and configs set at run time on the broker and group resources. A JSON
 * document written atomically (`bindery-metadata.json`), followed by a journal of the topic
 * changes made since (`bindery-metadata.journal`, one JSON line each, fsynced
 * before the change is acknowledged), as Kafka appends metadata records to a log rather than
 * rewriting a whole image per change: creating a topic costs one line, not a copy of every topic.
 * The journal is folded into the document once it outgrows it, and on close, so a cleanly closed
 * directory holds the document alone.
 */
import { randomUUID } from 'node:crypto';
import type { FileHandle, FileSystem } from '../storage/FileSystem';
import { BinderyError } from '../../protocol/primitives';
import type { ProducerIdState } from '../produce/ProducerIdManager';

export const METADATA_FILE = 'bindery-metadata.json';
export const METADATA_JOURNAL_FILE = 'bindery-metadata.journal';

/** The journal is folded into the document once it is larger than this and than the document. */
const JOURNAL_COMPACT_MIN_BYTES = 64 * 1024;

/** The broker's metadata file cannot be read: starting anyway would forget every topic. */
export class MetadataCorruptError extends BinderyError {
  constructor(path: string, why: string) {
    super(
      'BROKER_METADATA_CORRUPT',
      `Broker metadata ${path} is unreadable (${why}): restore it from a backup, or move it away to start with no topics (partition data stays on disk)`,
    );
  }
}

/** A line of the metadata journal other than the last cannot be read. */
export class MetadataJournalCorruptError extends BinderyError {
  constructor(path: string, why: string) {
    super(
      'BROKER_METADATA_JOURNAL_CORRUPT',
      `Broker metadata journal ${path} is damaged (${why}): restore it from a backup, or cut it before that line (or move it away) to start without the topic changes from there on (partition data stays on disk)`,
    );
  }
}

export interface TopicRecord {
  name: string;
  topicId: string;
  partitions: number;
  configs: Record<string, string>;
}

export interface MetadataDocument {
  version: 1;
  clusterId: string;
  producerIds: ProducerIdState;
  topics: TopicRecord[];
  /** Dynamic broker configs by Kafka name, per broker resource name ('' = every broker, else the node id). */
  brokerConfigs?: Record<string, Record<string, string>>;
  /** Group configs (ConfigResource type GROUP) by group id. */
  groupConfigs?: Record<string, Record<string, string>>;
}

/** One journal line: a topic record set (created or changed) or a topic removed. */
type JournalEntry = { put: TopicRecord } | { remove: string };

export class MetadataStore {
  readonly doc: MetadataDocument;
  private journal: FileHandle | null = null;
  private journalBytes = 0;
  private documentBytes = 0;
  /** A failed append could not be undone: the next change rewrites the document instead. */
  private journalDamaged = false;

  constructor(
    private readonly fs: FileSystem,
    private readonly dataDir: string,
  ) {
    fs.mkdirp(dataDir);
    const raw = fs.readFile(this.path);
    if (raw) {
      let parsed: MetadataDocument;
      try {
        parsed = JSON.parse(raw.toString('utf8')) as MetadataDocument;
      } catch (err) {
        throw new MetadataCorruptError(this.path, (err as Error).message);
      }
      if (parsed?.version !== 1 || !Array.isArray(parsed.topics)) throw new MetadataCorruptError(this.path, `unsupported version ${String(parsed?.version)}`);
      this.doc = { ...parsed, producerIds: parsed.producerIds ?? { nextBlockStart: 0, transactional: {} }, topics: parsed.topics ?? [] };
      this.documentBytes = raw.length;
      this.replayJournal();
    } else {
      this.doc = { version: 1, clusterId: clusterIdFrom(randomUUID()), producerIds: { nextBlockStart: 0, transactional: {} }, topics: [] };
      this.save();
    }
  }

  private get path(): string {
    return `${this.dataDir}/${METADATA_FILE}`;
  }

  private get journalPath(): string {
    return `${this.dataDir}/${METADATA_JOURNAL_FILE}`;
  }

  /** Writes the whole document durably and empties the journal (whose changes it holds). */
  save(): void {
    const bytes = Buffer.from(JSON.stringify(this.doc, null, 1));
    this.fs.writeFileAtomic(this.path, bytes);
    this.documentBytes = bytes.length;
    this.closeJournal();
    // A crash before the journal is emptied replays changes the document already holds: each
    // entry sets or removes a whole record, so applying it again changes nothing.
    if (this.fs.exists(this.journalPath)) this.fs.remove(this.journalPath);
    this.journalBytes = 0;
    this.journalDamaged = false;
  }

  /** Adds or replaces a topic's record, durably; on failure the document is as before. */
  putTopic(record: TopicRecord): void {
    this.record({ put: record });
    const at = this.doc.topics.findIndex((t) => t.name === record.name);
    if (at >= 0) this.doc.topics[at] = record;
    else this.doc.topics.push(record);
  }

  /** Removes a topic's record, durably; on failure the document is as before. */
  removeTopic(name: string): void {
    this.record({ remove: name });
    this.doc.topics = this.doc.topics.filter((t) => t.name !== name);
  }

  private record(entry: JournalEntry): void {
    if (this.journalDamaged || this.journalBytes > Math.max(JOURNAL_COMPACT_MIN_BYTES, this.documentBytes)) {
      this.saveWith(entry);
      return;
    }
    const line = Buffer.from(`${JSON.stringify(entry)}\n`);
    const journal = this.openJournal();
    const before = journal.size();
    try {
      journal.append(line);
      journal.sync();
    } catch (err) {
      this.undoAppend(journal, before);
      throw err;
    }
    this.journalBytes = before + line.length;
  }

  /** The whole document with `entry` applied, written in one go (the document itself is unchanged on failure). */
  private saveWith(entry: JournalEntry): void {
    const current = this.doc.topics;
    this.doc.topics = applyEntry(current.slice(), entry);
    try {
      this.save();
    } finally {
      this.doc.topics = current;
    }
  }

  /** Cuts a failed append off, so no half line is followed by later ones. */
  private undoAppend(journal: FileHandle, size: number): void {
    try {
      journal.truncate(size);
      journal.sync();
    } catch {
      this.journalDamaged = true;
    }
  }

  private openJournal(): FileHandle {
    if (!this.journal) {
      // Created by an atomic write, which makes its directory entry durable before any line counts on it.
      if (!this.fs.exists(this.journalPath)) this.fs.writeFileAtomic(this.journalPath, Buffer.alloc(0));
      this.journal = this.fs.open(this.journalPath);
    }
    return this.journal;
  }

  private closeJournal(): void {
    const journal = this.journal;
    this.journal = null;
    journal?.close();
  }

  /** Applies the journal's changes over the document read; a torn last line (a crash mid-append) was never acknowledged. */
  private replayJournal(): void {
    const raw = this.fs.readFile(this.journalPath);
    if (!raw || raw.length === 0) return;
    const lines = raw.toString('utf8').split('\n');
    let topics = this.doc.topics;
    lines.forEach((line, i) => {
      if (line === '') return;
      let entry: JournalEntry | null;
      let why = 'not a topic change';
      try {
        entry = journalEntry(JSON.parse(line));
      } catch (err) {
        entry = null;
        why = (err as Error).message;
      }
      if (entry) {
        topics = applyEntry(topics, entry);
      } else if (i === lines.length - 1) {
        // the rest of the journal is rewritten with the next change, so no line follows the torn one
        this.journalDamaged = true;
      } else {
        throw new MetadataJournalCorruptError(this.journalPath, `line ${i + 1}: ${why}`);
      }
    });
    this.doc.topics = topics;
    this.journalBytes = raw.length;
  }
}

function journalEntry(value: unknown): JournalEntry | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as { put?: Partial<TopicRecord>; remove?: unknown };
  if (typeof v.remove === 'string') return { remove: v.remove };
  const put = v.put;
  if (put && typeof put.name === 'string' && typeof put.topicId === 'string' && typeof put.partitions === 'number' && typeof put.configs === 'object') {
    return { put: put as TopicRecord };
  }
  return null;
}

function applyEntry(topics: TopicRecord[], entry: JournalEntry): TopicRecord[] {
  if ('remove' in entry) return topics.filter((t) => t.name !== entry.remove);
  const at = topics.findIndex((t) => t.name === entry.put.name);
  if (at >= 0) topics[at] = entry.put;
  else topics.push(entry.put);
  return topics;
}

/** Kafka cluster ids are 22-character url-safe base64 of a UUID. */
function clusterIdFrom(uuid: string): string {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64url');
}
