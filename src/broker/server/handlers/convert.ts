/** The broker engine counts offsets and times as JS numbers; the wire carries INT64 as bigint. */
export function big(n: number | bigint | undefined | null, fallback = -1n): bigint {
  if (n === undefined || n === null) return fallback;
  return typeof n === 'bigint' ? n : BigInt(Math.trunc(n));
}

export function num(b: bigint | number | undefined | null, fallback = -1): number {
  if (b === undefined || b === null) return fallback;
  return typeof b === 'number' ? b : Number(b);
}

export type Awaitable<T> = T | Promise<T>;
