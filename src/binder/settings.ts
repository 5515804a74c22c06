/**
 * The terms in which a binder describes its settings (config `binders.<name>`), so that the runtime
 * validates them as it validates `bindings.*` (unknown key and wrong type are start-up errors) and
 * maps BINDERY_BINDERS_<NAME>_* variables onto them with their types. The runtime's own config
 * schema is written in the same terms.
 */
import type { ConfigDefs, ConfigKey, ConfigType } from '../protocol/config/ConfigDef';

/** What a setting accepts (the declaration tables' ConfigType). */
export type LeafType = ConfigType;

export interface ObjectSchema {
  kind: 'object';
  fields: Record<string, SchemaNode>;
}
export interface MapSchema {
  kind: 'map';
  values: SchemaNode;
  /** Keys whose values follow their own schema instead of `values` (binders.native, binders.kafka, …). */
  entries?: Record<string, SchemaNode>;
}
export type SchemaNode = ObjectSchema | MapSchema | ({ kind: 'leaf' } & LeafType);

const leaf = (t: LeafType): SchemaNode => ({ kind: 'leaf', ...t });

/** Builders for settings schemas. */
export const setting = {
  string: leaf({ type: 'string' }),
  boolean: leaf({ type: 'boolean' }),
  integer: (min: number): SchemaNode => leaf({ type: 'integer', min }),
  number: (min: number): SchemaNode => leaf({ type: 'number', min }),
  oneOf: (...of: LeafType[]): SchemaNode => leaf({ type: 'oneOf', of }),
  enumOf: (values: Array<string | number>): SchemaNode => leaf({ type: 'enum', values }),
  booleanMap: leaf({ type: 'booleanMap' }),
  stringList: leaf({ type: 'stringList' }),
  freeObject: leaf({ type: 'freeObject' }),
  object: (fields: Record<string, SchemaNode>): ObjectSchema => ({ kind: 'object', fields }),
  /** The schema of a declaration table: each key's type, nested tables as objects. */
  fromDefs: <C>(defs: ConfigDefs<C>): ObjectSchema => settingsOf(defs),
};

function settingsOf<C>(defs: ConfigDefs<C>): ObjectSchema {
  const fields: Record<string, SchemaNode> = {};
  for (const [key, def] of Object.entries(defs) as Array<[string, ConfigKey<unknown>]>) fields[key] = def.fields ? settingsOf(def.fields) : leaf(def.type);
  return { kind: 'object', fields };
}

const normalize = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Levenshtein distance (a transposition counts as two edits). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The known name closest to `name` (ignoring case and separators), when it is close enough to be
 * the one meant: at most two edits, or a third of the name's length for long names.
 */
export function nearestName(name: string, known: Iterable<string>): string | undefined {
  const wanted = normalize(name);
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(wanted, normalize(candidate));
    if (distance <= Math.max(2, Math.floor(wanted.length / 3)) && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}
