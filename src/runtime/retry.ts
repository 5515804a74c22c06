/** Retry policy of the listener container: attempts, exponential backoff, retryable errors. */
import type { ResolvedConsumerConfig } from './model';

/** Per-error retry decision; `binding` is the binding name or listener id. undefined = no opinion. */
export type RetryablePredicate = (error: unknown, binding: string) => boolean | undefined;

export interface RetryPolicy {
  maxAttempts: number;
  /** Backoff before attempt `attempt + 1` (attempt counts from 1). */
  backoffMs(attempt: number): number;
  isRetryable(error: unknown): boolean;
}

/** initial × multiplier^(attempt-1), capped at max. */
export function exponentialBackoff(initial: number, multiplier: number, max: number): (attempt: number) => number {
  return (attempt) => Math.min(max, Math.round(initial * Math.pow(multiplier, Math.max(0, attempt - 1))));
}

/** Names of the error's class and its ancestors, lower-cased. */
function errorClassNames(error: unknown): string[] {
  const names: string[] = [];
  let proto = error !== null && typeof error === 'object' ? Object.getPrototypeOf(error) : null;
  while (proto && proto !== Object.prototype) {
    const name = (proto.constructor as Function | undefined)?.name;
    if (name) names.push(name.toLowerCase());
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}

/**
 * Retryable decision, first match wins: the predicate (when it returns a boolean), then
 * `retryableExceptions` by the nearest class name, then `defaultRetryable`.
 */
export function retryPolicy(config: ResolvedConsumerConfig, binding: string, predicate?: RetryablePredicate): RetryPolicy {
  const table = new Map(Object.entries(config.retryableExceptions ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    maxAttempts: config.maxAttempts,
    backoffMs: exponentialBackoff(config.backOffInitialInterval, config.backOffMultiplier, config.backOffMaxInterval),
    isRetryable(error) {
      const decided = predicate?.(error, binding);
      if (typeof decided === 'boolean') return decided;
      for (const name of errorClassNames(error)) {
        const listed = table.get(name);
        if (listed !== undefined) return listed;
      }
      return config.defaultRetryable;
    },
  };
}
