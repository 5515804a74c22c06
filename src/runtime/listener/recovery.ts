/**
 * What becomes of a record whose attempt failed: retried (in place or through the next retry
 * topic), dead-lettered (to a topic chosen per record), skipped, or the listener stopped. The
 * application's error handler decides first after every failed attempt, the listener's recoverer
 * once the attempts are exhausted, then the binding's settings (retry topics, enableDlq).
 */
import type { ErrorAction, ErrorHandler, ListenerFailure, Recoverer } from '../../annotations';
import type { InboundRecord } from '../../binder/Binder';
import { MessageConversionError } from '../errors';
import type { Logger } from '../logger';
import type { ConsumerDefinition, RetryTopicsPlan } from '../model';
import type { RetryPolicy } from '../retry';
import { errorMessage as message, where } from './describe';
import { dlqTopicName } from './dlq';
import { deadLetterTopicName, planAllowsRetry, retryTopicNames } from './retryTopics';

/** Where a failed record goes. */
export type Resolution =
  | { kind: 'retryTopic'; topic: string; delayMs: number }
  | { kind: 'deadLetter'; topic: string }
  | { kind: 'skip'; reason: 'dlqOff' | 'recovered' | 'decided' }
  | { kind: 'stop' };

/** The retry topics of each main topic, and the stage (1 = first retry topic) of each retry topic. */
export class RetryTopicRoutes {
  private readonly byMain = new Map<string, string[]>();
  private readonly stages = new Map<string, { main: string; stage: number }>();

  constructor(
    readonly plan: RetryTopicsPlan,
    mainTopics: string[],
  ) {
    for (const main of mainTopics) {
      const names = retryTopicNames(main, plan.delays);
      this.byMain.set(main, names);
      names.forEach((name, i) => this.stages.set(name, { main, stage: i + 1 }));
    }
  }

  /** Every retry topic, for the retry consumer to subscribe to. */
  allRetryTopics(): string[] {
    return [...this.stages.keys()];
  }

  mainTopics(): string[] {
    return [...this.byMain.keys()];
  }

  retryTopicsOf(main: string): string[] {
    return this.byMain.get(main) ?? [];
  }

  /** The main topic a record was read from, directly or through its retry topics. */
  mainOf(topic: string): string {
    return this.stages.get(topic)?.main ?? topic;
  }

  isRetryTopic(topic: string): boolean {
    return this.stages.has(topic);
  }

  /** The retry topic after `topic` (its first one for a main topic), or undefined after the last. */
  next(topic: string): { topic: string; delayMs: number } | undefined {
    const stage = this.stages.get(topic)?.stage ?? 0;
    const names = this.byMain.get(this.mainOf(topic));
    if (!names || stage >= names.length) return undefined;
    return { topic: names[stage], delayMs: this.plan.delays[stage] };
  }

  deadLetterTopic(topic: string): string {
    return deadLetterTopicName(this.mainOf(topic), this.plan);
  }
}

export class Recovery {
  constructor(
    private readonly definition: ConsumerDefinition,
    /** The binding's retry policy (maxAttempts as configured, even when retrying through topics). */
    private readonly policy: RetryPolicy,
    private readonly errorHandler: ErrorHandler | undefined,
    private readonly routes: RetryTopicRoutes | undefined,
  ) {}

  private get recoverer(): Recoverer | undefined {
    return this.definition.listeners.find((l) => l.recoverer !== undefined)?.recoverer;
  }

  /** Whether the retry settings allow another attempt after `attempts`. */
  retriesLeft(error: unknown, attempts: number): boolean {
    // Bytes that cannot be read will not improve with retries.
    if (error instanceof MessageConversionError) return false;
    const limit = this.routes ? this.routes.plan.attempts : this.policy.maxAttempts;
    if (attempts >= limit) return false;
    const byPlan = this.routes ? planAllowsRetry(this.routes.plan, error) : undefined;
    return byPlan ?? this.policy.isRetryable(error);
  }

  /** The error handler's decision on one failed attempt (undefined: the settings decide). */
  consult(record: InboundRecord, error: unknown, attempts: number, exhausted: boolean): ErrorAction | undefined {
    return this.errorHandler?.(failure(this.definition.name, record, error, attempts, exhausted)) ?? undefined;
  }

  /**
   * Where a record goes once it is not retried in place. `decided` is the error handler's action,
   * if it gave one.
   */
  resolve(record: InboundRecord, error: unknown, attempts: number, decided?: ErrorAction): Resolution {
    const routes = this.routes;
    // In place, the invoker has already retried all the settings allow.
    const action = decided ?? (routes && this.retriesLeft(error, attempts) ? 'retry' : undefined);
    if (action === 'retry' && routes) {
      const next = routes.next(record.topic);
      if (next) return { kind: 'retryTopic', ...next };
    }
    if (action !== undefined && action !== 'retry') return this.apply(record, action);
    const recoverer = this.recoverer;
    if (recoverer) {
      const recovered = recoverer(failure(this.definition.name, record, error, attempts, true));
      return recovered ? this.apply(record, recovered) : { kind: 'skip', reason: 'recovered' };
    }
    if (routes) return { kind: 'deadLetter', topic: routes.deadLetterTopic(record.topic) };
    if (this.definition.consumer.enableDlq) return { kind: 'deadLetter', topic: this.defaultDeadLetter(record) };
    return { kind: 'skip', reason: 'dlqOff' };
  }

  private apply(record: InboundRecord, action: Exclude<ErrorAction, 'retry'>): Resolution {
    if (action === 'skip') return { kind: 'skip', reason: 'decided' };
    if (action === 'stop') return { kind: 'stop' };
    if (action === 'deadLetter') return { kind: 'deadLetter', topic: this.routes ? this.routes.deadLetterTopic(record.topic) : this.defaultDeadLetter(record) };
    return { kind: 'deadLetter', topic: action.deadLetter };
  }

  private defaultDeadLetter(record: InboundRecord): string {
    return dlqTopicName(record.topic, this.definition.group, this.definition.consumer.dlqName);
  }
}

function failure(listener: string, record: InboundRecord, error: unknown, attempts: number, exhausted: boolean): ListenerFailure {
  return { listener, record, error, attempts, exhausted };
}

export function logSkip(logger: Logger, name: string, reason: Extract<Resolution, { kind: 'skip' }>['reason'], record: InboundRecord, attempts: number, error: unknown): void {
  if (reason === 'dlqOff') logger.error({ err: error }, `${name}: giving up on ${where(record)} after ${attempts} attempt(s); skipped (enableDlq is off)`);
  else if (reason === 'recovered') logger.info(`${name}: ${where(record)} recovered by the listener's recoverer after ${attempts} attempt(s)`);
  else logger.warn(`${name}: ${where(record)} skipped by the error handler after ${attempts} attempt(s): ${message(error)}`);
}
