/**
 * A fix to kafkajs 2.2.4's request queue, installed once by the first kafka binder or CLI client.
 *
 * After each response the queue schedules a check of its pending requests at
 * `throttledUntil - Date.now()`, a negative delay whenever the broker is not throttling the client
 * (throttledUntil starts at -1). Node runs such a timer after 1 ms and, from Node 24 on, prints a
 * TimeoutNegativeWarning on the user's terminal (tulios/kafkajs#1751). The replacement schedules
 * the same check with the delay Node would have used, never a negative one.
 */
import { BinderyError } from '../../protocol/primitives/errors';

// kafkajs' RequestQueue has no type declarations: the members used here, as 2.2.4 defines them.
interface KafkajsRequestQueue {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs' CHECK_PENDING_REQUESTS_INTERVAL: how soon requests waiting for a free slot are looked at again. */
const PENDING_RECHECK_MS = 10;

const INSTALLED = Symbol.for('bindery.kafkajs.requestQueueTimerFix');

export function installRequestQueueTimerFix(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: KafkajsRequestQueue & { [INSTALLED]?: true } };
  const prototype = RequestQueue.prototype;
  if (prototype[INSTALLED]) return;
  if (typeof prototype.scheduleCheckPendingRequests !== 'function' || typeof prototype.checkPendingRequests !== 'function') {
    throw new BinderyError(
      'KAFKAJS_VERSION',
      "kafkajs' RequestQueue has no scheduleCheckPendingRequests method: the kafka binder needs kafkajs 2.2.4; reinstall with npm ci",
    );
  }
  prototype.scheduleCheckPendingRequests = function scheduleCheck(this: KafkajsRequestQueue): void {
    if (this.throttleCheckTimeoutId) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    const delay = untilUnthrottled > 0 ? untilUnthrottled : this.pending.length > 0 ? PENDING_RECHECK_MS : 1;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, delay);
  };
  prototype[INSTALLED] = true;
}
