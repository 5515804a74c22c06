/**
 * A fix to kafkajs 2.2.4's consumer, installed once when the kafka binder is first constructed.
 *
 * kafkajs' Runner.fetch answers at once with no batches when the consumer is no longer running,
 * and each fetcher keeps calling it for as long as its own flag says it runs. The fetch manager
 * rebuilds its fetchers whenever the set of brokers changes (a broker died, say); fetchers built
 * after `consumer.stop()` or `disconnect()` stopped the old ones are never told to stop. They then
 * call fetch in a chain of already-resolved promises that never yields to timers or I/O: the
 * process hangs at full CPU, heartbeats and all (the same family as tulios/kafkajs#1384).
 *
 * The fix: a fetch made while the consumer is not running stops the fetch manager first, so every
 * current fetcher ends after this call and the consumer's stop completes.
 */
import { BinderyError } from '../../protocol/primitives/errors';

// kafkajs' Runner has no type declarations: the members used here, as 2.2.4 defines them.
interface KafkajsRunner {
  running: boolean;
  fetchManager: { stop(): Promise<void> };
  fetch(nodeId: number): Promise<unknown[]>;
}

const INSTALLED = Symbol.for('bindery.kafkajs.consumerStopFix');

export function installConsumerStopFix(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Runner = require('kafkajs/src/consumer/runner') as { prototype: KafkajsRunner & { [INSTALLED]?: true } };
  const prototype = Runner.prototype;
  if (prototype[INSTALLED]) return;
  const fetch = prototype.fetch;
  if (typeof fetch !== 'function') {
    throw new BinderyError(
      'KAFKAJS_VERSION',
      "kafkajs' consumer Runner has no fetch method: the kafka binder needs kafkajs 2.2.4; reinstall with npm ci",
    );
  }
  prototype.fetch = function fetchUnlessStopped(this: KafkajsRunner, nodeId: number): Promise<unknown[]> {
    // Not awaited: the fetcher making this call ends only after the call returns.
    if (!this.running) void this.fetchManager.stop();
    return fetch.call(this, nodeId);
  };
  prototype[INSTALLED] = true;
}
