import type { ClientNotices } from './services';

/** Distinct notices remembered before the oldest is forgotten (a client repeating itself is not re-logged). */
const REMEMBERED_NOTICES = 10000;

/** Notices to the operator, each key written once; keys are forgotten oldest first past a bound. */
export function clientNotices(write: (message: string) => void): ClientNotices {
  const seen = new Set<string>();
  return {
    once(key, message) {
      if (seen.has(key)) return;
      if (seen.size >= REMEMBERED_NOTICES) seen.delete(seen.values().next().value as string);
      seen.add(key);
      write(message);
    },
  };
}
