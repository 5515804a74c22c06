/**
 * Text for anything thrown: an Error's message, a string as is, anything else as its JSON (a
 * thrown `{ code: 1 }` reads `{"code":1}`, not `[object Object]`). Shared by binders and the
 * runtime for logs, dead-letter headers and error messages.
 */
import { inspect } from 'node:util';

export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === 'string') return thrown;
  if (typeof thrown === 'object' && thrown !== null && looksLikeError(thrown)) return thrown.message;
  try {
    const json = JSON.stringify(thrown, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
    if (json !== undefined) return json;
  } catch {
    // Circular or otherwise not JSON: Node's own rendering still shows the fields.
    return inspect(thrown, { depth: 2, breakLength: Infinity });
  }
  return String(thrown);
}

/** An Error from another realm (a worker, a vm context) is not `instanceof Error` here. */
function looksLikeError(value: object): value is { message: string } {
  return Object.prototype.toString.call(value) === '[object Error]' && typeof (value as { message?: unknown }).message === 'string';
}
