/**
 * Versions newer than the reference schemas whose layout repeats an earlier version's, by Kafka's
 * own message definitions (KIP-890 part 2): Produce v12 "is the same as version 11" and
 * TxnOffsetCommit v5 "is the same as version 4"; the new version only tells the broker that the
 * client runs transactions version 2. They are encoded and decoded with the earlier layout.
 */
import { ApiKey } from '../generated/apiKeys';

/** api key → (version → the version whose layout it uses). */
export const LAYOUT_ALIASES: ReadonlyMap<number, ReadonlyMap<number, number>> = new Map([
  [ApiKey.Produce, new Map([[12, 11]])],
  [ApiKey.TxnOffsetCommit, new Map([[5, 4]])],
]);

/** The version whose layout `version` of this api uses (itself unless it is an alias). */
export function layoutVersion(apiKey: number, version: number): number {
  return LAYOUT_ALIASES.get(apiKey)?.get(version) ?? version;
}

/** The highest alias of an api, or undefined when it has none. */
export function highestAlias(apiKey: number): number | undefined {
  const aliases = LAYOUT_ALIASES.get(apiKey);
  return aliases ? Math.max(...aliases.keys()) : undefined;
}
