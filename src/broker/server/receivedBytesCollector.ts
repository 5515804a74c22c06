/**
 * Node reads a socket into a new buffer each time, and those buffers die young: the frames are
 * copied out (Produce) or decoded and dropped. V8 frees them only when it collects the young
 * generation, which it does when JavaScript objects fill it — rarely, in a broker whose JS heap is
 * small — or, much later, when the buffers' total passes its external-memory limit (64 MB above
 * the last full collection). Until then they stay resident. So the wire server asks V8 for a
 * young-generation collection (well under a millisecond) after every RECEIVED_BYTES_PER_COLLECTION
 * bytes received, which keeps that garbage to a few megabytes.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

const RECEIVED_BYTES_PER_COLLECTION = 32 * 1024 * 1024;

type GcFunction = (options: { type: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;

let collect: GcFunction | null | undefined;
let received = 0;
let scheduled = false;

/** V8's gc, made available to a fresh context only (the application's global is left alone). */
function youngGenerationCollector(): GcFunction | null {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    return typeof gc === 'function' ? (gc as GcFunction) : null;
  } catch {
    return null;
  }
}

/** Counts received socket bytes; past the threshold, schedules one young-generation collection. */
export function noteReceivedBytes(bytes: number): void {
  received += bytes;
  if (received < RECEIVED_BYTES_PER_COLLECTION || scheduled) return;
  if (collect === undefined) collect = youngGenerationCollector();
  if (collect === null) return;
  received = 0;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    collect?.({ type: 'minor' });
  });
}
