/**
 * Non-blocking retries (Spring Kafka's retry topics): the plan checked at start-up, the topic
 * names, and the records forwarded to a retry topic or the dead-letter topic. A failed record
 * goes to `<topic>-retry-<delayMs>` (or `-retry-<n>` when delays repeat), comes back no earlier
 * than its due time, and after the last attempt goes to `<topic>-dlt`.
 */
import type { RetryableTopicOptions } from '../../annotations';
import type { InboundRecord, OutboundRecord, RecordHeader } from '../../binder/Binder';
import { describeThrown } from '../../binder/describeThrown';
import { BinderyError } from '../../protocol/primitives/errors';
import * as frameworkErrors from '../errors';
import type { ResolvedConsumerConfig, RetryTopicsPlan } from '../model';
import { exponentialBackoff } from '../retry';

/** A retry setting that cannot work, found at start-up; names the setting. */
export class RetryConfigError extends BinderyError {
  constructor(setting: string, problem: string) {
    super('RETRY_CONFIG_INVALID', `${setting}: ${problem}`);
  }
}

/** Headers of a forwarded record (the dead-letter topic's names, plus the timestamp and the due time). */
export const RetryHeader = {
  originalTopic: 'x-original-topic',
  originalPartition: 'x-original-partition',
  originalOffset: 'x-original-offset',
  originalTimestamp: 'x-original-timestamp',
  exceptionMessage: 'x-exception-message',
  exceptionStacktrace: 'x-exception-stacktrace',
  attempts: 'x-attempts',
  /** Epoch ms before which the retry topic's consumer does not deliver the record. */
  due: 'x-retry-due',
} as const;

const OURS = new Set<string>(Object.values(RetryHeader));
const ORIGINAL = [RetryHeader.originalTopic, RetryHeader.originalPartition, RetryHeader.originalOffset, RetryHeader.originalTimestamp];

/** An error class by name: a built-in (TypeError, …) or one of bindery's. */
function errorClassNamed(name: string): Function | undefined {
  const candidates = [(globalThis as Record<string, unknown>)[name], (frameworkErrors as Record<string, unknown>)[name]];
  for (const c of candidates) if (typeof c === 'function' && (c === Error || c.prototype instanceof Error)) return c;
  return undefined;
}

function errorClasses(setting: string, list: Array<Function | string> | undefined): Function[] | undefined {
  if (list === undefined) return undefined;
  return list.map((entry) => {
    if (typeof entry === 'function') return entry;
    const found = errorClassNamed(entry);
    if (!found) throw new RetryConfigError(setting, `'${entry}' is not an error class bindery knows by name; pass the class itself (${setting.split(' ')[0]}: [${entry}]) or the name of a built-in error such as 'TypeError'`);
    return found;
  });
}

function checkInteger(setting: string, value: number, min: number): void {
  if (!Number.isFinite(value) || value < min) throw new RetryConfigError(setting, `must be ${min === 0 ? 'zero or more' : `at least ${min}`} (got ${value})`);
}

/**
 * The retry-topics plan of a consumer: from @RetryableTopic when given, else (consumer.retry 'topics')
 * from the binding's retry settings. Undefined when the consumer retries in place.
 */
export function retryTopicsPlan(
  where: string, name: string, consumer: ResolvedConsumerConfig, options: RetryableTopicOptions | undefined, destination: unknown,
): RetryTopicsPlan | undefined {
  if (options === undefined && consumer.retry !== 'topics') return undefined;
  const setting = (key: string, annotation: string): string => (options ? `@RetryableTopic ${annotation} on ${where}` : `bindings.${name}.consumer.${key}`);
  const attempts = options?.attempts ?? consumer.maxAttempts;
  const delay = options?.backoff?.delay ?? consumer.backOffInitialInterval;
  const multiplier = options?.backoff?.multiplier ?? consumer.backOffMultiplier;
  const maxDelay = options?.backoff?.maxDelay ?? consumer.backOffMaxInterval;
  checkInteger(setting('maxAttempts', 'attempts'), attempts, 1);
  checkInteger(setting('backOffInitialInterval', 'backoff.delay'), delay, 0);
  checkInteger(setting('backOffMultiplier', 'backoff.multiplier'), multiplier, 1);
  checkInteger(setting('backOffMaxInterval', 'backoff.maxDelay'), maxDelay, 0);
  if (typeof destination !== 'string' && !Array.isArray(destination)) {
    throw new RetryConfigError(setting('retry', 'topics'), 'retry topics need named topics, not a topic pattern: name the topics, or retry in place');
  }
  if (consumer.batchMode) throw new RetryConfigError(setting('retry', 'on a batch listener'), 'batch listeners retry in place; throw BatchListenerFailedError to name the record that failed');
  const backoff = exponentialBackoff(delay, multiplier, maxDelay);
  return {
    attempts,
    delays: Array.from({ length: attempts - 1 }, (_, i) => backoff(i + 1)),
    include: errorClasses(setting('retryableExceptions', 'include'), options?.include),
    exclude: errorClasses(setting('retryableExceptions', 'exclude'), options?.exclude),
    dltTopic: options?.dltTopic ?? consumer.dlqName,
  };
}

/** The retry topics of `topic`, one per delay: `-retry-<delayMs>`, or `-retry-<n>` when delays repeat. */
export function retryTopicNames(topic: string, delays: number[]): string[] {
  const distinct = new Set(delays).size === delays.length;
  return delays.map((d, i) => `${topic}-retry-${distinct ? d : i}`);
}

export function deadLetterTopicName(topic: string, plan: RetryTopicsPlan): string {
  return plan.dltTopic ?? `${topic}-dlt`;
}

/** Whether the plan's include/exclude lists let `error` be retried (undefined: they have no opinion). */
export function planAllowsRetry(plan: RetryTopicsPlan, error: unknown): boolean | undefined {
  const isA = (classes: Function[]) => classes.some((c) => error instanceof (c as new () => unknown));
  if (plan.exclude && isA(plan.exclude)) return false;
  if (plan.include) return isA(plan.include);
  return undefined;
}

function header(record: InboundRecord, name: string): string | undefined {
  for (let i = record.headers.length - 1; i >= 0; i--) if (record.headers[i].key === name) return record.headers[i].value?.toString('utf8');
  return undefined;
}

/** Attempts a record already had before this delivery (0 on its main topic). */
export function previousAttempts(record: InboundRecord): number {
  const text = header(record, RetryHeader.attempts);
  return text === undefined ? 0 : Number(text) || 0;
}

/** When a record read from a retry topic is due (epoch ms), or undefined when it carries no due time. */
export function dueTime(record: InboundRecord): number | undefined {
  const text = header(record, RetryHeader.due);
  return text === undefined ? undefined : Number(text);
}

const text = (value: string): Buffer => Buffer.from(value, 'utf8');

/**
 * The record as forwarded to a retry or dead-letter topic: the original key, value and headers,
 * the original topic/partition/offset/timestamp kept from the first forward, the attempts so far,
 * the exception, and (to a retry topic) the due time. Same partition as the record.
 */
export function forwardedRecord(record: InboundRecord, error: unknown, attempts: number, due?: number): OutboundRecord {
  const message = describeThrown(error);
  const stack = error instanceof Error ? (error.stack ?? `${error.name}: ${message}`) : `thrown: ${message}`;
  const original = ORIGINAL.map((name) => header(record, name));
  const headers: RecordHeader[] = record.headers.filter((h) => !OURS.has(h.key));
  const own = [record.topic, String(record.partition), String(record.offset), String(record.timestamp)];
  ORIGINAL.forEach((name, i) => headers.push({ key: name, value: text(original[0] !== undefined ? (original[i] ?? own[i]) : own[i]) }));
  headers.push(
    { key: RetryHeader.exceptionMessage, value: text(message) },
    { key: RetryHeader.exceptionStacktrace, value: text(stack) },
    { key: RetryHeader.attempts, value: text(String(attempts)) },
  );
  if (due !== undefined) headers.push({ key: RetryHeader.due, value: text(String(due)) });
  return { key: record.key, value: record.value, headers, partition: record.partition };
}
