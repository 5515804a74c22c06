/**
 * Test-side ends of the test binder: InputDestination sends into the topics the application
 * consumes, OutputDestination receives what the application produced.
 */
import { randomUUID } from 'node:crypto';
import type { Binder, RecordHeader, SendResult } from '../Binder';
import { TestBinder } from './TestBinder';

/** Anything holding a binder, e.g. the application returned by Bindery.create. */
export interface HasBinder {
  readonly binder: Binder;
}

function testBinderOf(source: Binder | HasBinder): TestBinder {
  const binder = source instanceof TestBinder ? source : (source as HasBinder).binder;
  if (!(binder instanceof TestBinder)) {
    throw new TypeError(`InputDestination / OutputDestination need the 'test' binder; this application runs '${binder?.name}'`);
  }
  return binder;
}

export interface InputSendOptions {
  key?: string | Buffer | null;
  headers?: Record<string, string | Buffer>;
  /** Topic to send to; optional when the application consumes exactly one topic. */
  destination?: string;
  partition?: number;
}

/** Encodes like the runtime's defaults: Buffer as is, string as text/plain, anything else as JSON. */
function encode(payload: unknown): { value: Buffer | null; contentType?: string } {
  if (payload === null || payload === undefined) return { value: null };
  if (Buffer.isBuffer(payload)) return { value: payload, contentType: 'application/octet-stream' };
  if (typeof payload === 'string') return { value: Buffer.from(payload), contentType: 'text/plain' };
  return { value: Buffer.from(JSON.stringify(payload)), contentType: 'application/json' };
}

export class InputDestination {
  private readonly binder: TestBinder;

  constructor(source: Binder | HasBinder) {
    this.binder = testBinderOf(source);
  }

  static of(source: Binder | HasBinder): InputDestination {
    return new InputDestination(source);
  }

  send(payload: unknown, options: InputSendOptions = {}): SendResult {
    const topic = options.destination ?? this.defaultTopic();
    const { value, contentType } = encode(payload);
    const given = options.headers ?? {};
    const named = (name: string): boolean => Object.keys(given).some((k) => k.toLowerCase() === name);
    const headers: RecordHeader[] = named('message-id') ? [] : [{ key: 'message-id', value: Buffer.from(randomUUID()) }];
    if (contentType && !named('content-type')) {
      headers.push({ key: 'content-type', value: Buffer.from(contentType) });
    }
    for (const [k, v] of Object.entries(given)) headers.push({ key: k, value: Buffer.isBuffer(v) ? v : Buffer.from(v) });
    const key = options.key === undefined || options.key === null ? null : Buffer.isBuffer(options.key) ? options.key : Buffer.from(options.key);
    return this.binder.broker.append(topic, { key, value, headers, partition: options.partition }, false);
  }

  private defaultTopic(): string {
    const topics = this.binder.consumedTopics();
    if (topics.length === 1) return topics[0];
    throw new TypeError(
      `InputDestination.send needs { destination } because the application consumes ${topics.length} topics (${topics.join(', ')})`,
    );
  }
}

/** A record the application produced. */
export class OutputMessage {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    readonly key: Buffer | null,
    readonly value: Buffer | null,
    readonly headers: Record<string, string>,
  ) {}

  /** The key as text (null when absent). */
  get keyText(): string | null {
    return this.key === null ? null : this.key.toString('utf8');
  }

  /** The body decoded by its content-type header: JSON (the default), text, or raw bytes. */
  payload<T = unknown>(): T {
    if (this.value === null) return null as T;
    const type = (this.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
    if (type === 'application/json' || type.endsWith('+json')) return JSON.parse(this.value.toString('utf8')) as T;
    if (type.startsWith('text/')) return this.value.toString('utf8') as T;
    return this.value as T;
  }
}

export class OutputDestination {
  private readonly binder: TestBinder;
  /** Read position in the produce log, per destination asked for ('' = any destination). */
  private readonly cursors = new Map<string, number>();
  private readonly start: number;

  /** Receives what the application produced (`fromStart` false: only what it produces from now on). */
  constructor(source: Binder | HasBinder, fromStart = true) {
    this.binder = testBinderOf(source);
    this.start = fromStart ? 0 : this.binder.broker.produced.length;
  }

  static of(source: Binder | HasBinder): OutputDestination {
    return new OutputDestination(source);
  }

  /** The next record the application sent (to `destination`, when given), or null after `timeoutMs`. */
  async receive(timeoutMs = 1000, destination?: string): Promise<OutputMessage | null> {
    const deadline = Date.now() + timeoutMs;
    const cursorKey = destination ?? '';
    for (;;) {
      const produced = this.binder.broker.produced;
      let cursor = this.cursors.get(cursorKey) ?? this.start;
      while (cursor < produced.length) {
        const { topic, record, fromApplication } = produced[cursor++];
        this.cursors.set(cursorKey, cursor);
        if (!fromApplication || (destination !== undefined && topic !== destination)) continue;
        const headers: Record<string, string> = {};
        for (const h of record.headers) headers[h.key] = h.value === null ? '' : h.value.toString('utf8');
        return new OutputMessage(topic, record.partition, record.offset, record.key, record.value, headers);
      }
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await this.binder.broker.changed.wait(left);
    }
  }
}
