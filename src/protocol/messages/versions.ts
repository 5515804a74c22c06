/** Kafka schema version ranges ("3+", "1-4", "2", "none") parsed into inclusive bounds. */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/** Highest version number Kafka's INT16 api version can carry; "n+" ranges extend to it. */
export const MAX_VERSION = 0x7fff;

export function parseVersionRange(text: string): VersionRange | null {
  const v = text.trim();
  if (v === 'none') return null;
  if (v.endsWith('+')) return { min: Number(v.slice(0, -1)), max: MAX_VERSION };
  const dash = v.indexOf('-');
  if (dash < 0) return { min: Number(v), max: Number(v) };
  return { min: Number(v.slice(0, dash)), max: Number(v.slice(dash + 1)) };
}

export function inVersionRange(range: VersionRange | null, version: number): boolean {
  return range !== null && version >= range.min && version <= range.max;
}

export function versionIn(text: string | undefined, version: number): boolean {
  return text !== undefined && inVersionRange(parseVersionRange(text), version);
}
