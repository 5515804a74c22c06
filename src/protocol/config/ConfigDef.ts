/**
 * Declarations of settings, as Kafka's ConfigDef declares them: each key once, with its type (which
 * says the values it accepts), its default and a one-line doc. Each layer keeps one table of them
 * (broker, topic, binders, bindings); its entry points take their defaults from the table, validation
 * checks against it, and the configuration reference in docs/ is generated from it. Here, below every
 * room, so that the broker, the binders and the runtime share the terms.
 */

/** What a setting accepts. */
export type ConfigType =
  | { type: 'string' }
  | { type: 'boolean' }
  /** `alsoAllowed`: one value outside [min, max] with a meaning of its own (-1 = no limit). */
  | { type: 'integer'; min: number; max?: number; alsoAllowed?: number }
  | { type: 'number'; min: number }
  | { type: 'enum'; values: Array<string | number> }
  | { type: 'booleanMap' }
  /** A non-empty string or a non-empty array of them (e.g. "host:port,host:port" or a list). */
  | { type: 'stringList' }
  /** Any of the alternatives (e.g. ssl: true or TLS options). */
  | { type: 'oneOf'; of: ConfigType[] }
  /** Settings handed on unchecked (TLS options, SASL, Kafka topic configs, an object instance). */
  | { type: 'freeObject' };

export interface ConfigKey<T> {
  readonly type: ConfigType;
  /** undefined: none (the doc's `defaultDoc` says what happens then). */
  readonly default: T;
  readonly doc: string;
  /** Kafka's name of the setting (server.properties), when it mirrors one. */
  readonly kafkaName?: string;
  /** How the default reads in the docs when the value alone says too little ("none (in memory)"). */
  readonly defaultDoc?: string;
  /** Declarations of an object-valued setting's own keys (kafka binder's `retry`). */
  readonly fields?: ConfigDefs<Record<string, unknown>>;
}

/** One table: a declaration per key of the settings object C. */
export type ConfigDefs<C> = { readonly [K in keyof C]-?: ConfigKey<C[K]> };

/** Builders of declarations, typed by the value they default to. */
export const define = {
  integer: (def: number, min: number, doc: string, extra: Partial<ConfigKey<number>> & { max?: number; alsoAllowed?: number } = {}): ConfigKey<number> => {
    const { max, alsoAllowed, ...rest } = extra;
    return { type: { type: 'integer', min, ...(max !== undefined ? { max } : {}), ...(alsoAllowed !== undefined ? { alsoAllowed } : {}) }, default: def, doc, ...rest };
  },
  number: (def: number, min: number, doc: string, extra: Partial<ConfigKey<number>> = {}): ConfigKey<number> => ({ type: { type: 'number', min }, default: def, doc, ...extra }),
  boolean: (def: boolean, doc: string, extra: Partial<ConfigKey<boolean>> = {}): ConfigKey<boolean> => ({ type: { type: 'boolean' }, default: def, doc, ...extra }),
  string: <T extends string | undefined>(def: T, doc: string, extra: Partial<ConfigKey<T>> = {}): ConfigKey<T> => ({ type: { type: 'string' }, default: def, doc, ...extra }),
  enumOf: <const V extends string | number>(values: readonly V[], def: NoInfer<V>, doc: string, extra: Partial<ConfigKey<V>> = {}): ConfigKey<V> => ({
    type: { type: 'enum', values: [...values] },
    default: def,
    doc,
    ...extra,
  }),
  /** A setting with no default: left unset unless given (`defaultDoc` says what happens then). */
  optional: <T>(type: ConfigType, doc: string, defaultDoc: string): ConfigKey<T | undefined> => ({ type, default: undefined, doc, defaultDoc }),
  /** An object-valued setting with keys of its own; its default is theirs. */
  object: <C>(fields: ConfigDefs<C>, doc: string): ConfigKey<C> => ({
    type: { type: 'freeObject' },
    default: defaultsOf(fields),
    doc,
    fields: fields as ConfigDefs<Record<string, unknown>>,
  }),
  /** Any other shape, with its default as given. */
  of: <T>(type: ConfigType, def: T, doc: string, extra: Partial<ConfigKey<T>> = {}): ConfigKey<T> => ({ type, default: def, doc, ...extra }),
};

/** The defaults of a table, as the settings object they make up. */
export function defaultsOf<C>(defs: ConfigDefs<C>): C {
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(defs) as Array<[string, ConfigKey<unknown>]>) {
    if (def.default !== undefined) out[key] = def.default;
  }
  return out as C;
}

/** Whether `value` is one the type accepts. */
export function accepts(type: ConfigType, value: unknown): boolean {
  switch (type.type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return (
        typeof value === 'number' &&
        Number.isInteger(value) &&
        (value === type.alsoAllowed || (value >= type.min && (type.max === undefined || value <= type.max)))
      );
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= type.min;
    case 'enum':
      return type.values.includes(value as string | number);
    case 'booleanMap':
      return isObject(value) && Object.values(value).every((v) => typeof v === 'boolean');
    case 'stringList':
      return (typeof value === 'string' && value.length > 0) || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'));
    case 'oneOf':
      return type.of.some((t) => accepts(t, value));
    case 'freeObject':
      return isObject(value);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The values a type accepts, in words ("a positive integer", "one of \"range\", ..."). */
export function describeType(t: ConfigType): string {
  switch (t.type) {
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'integer': {
      const range = t.max !== undefined ? `an integer in [${t.min}, ${t.max}]` : t.min === 1 ? 'a positive integer' : `an integer >= ${t.min}`;
      return t.alsoAllowed !== undefined ? `${range} or ${t.alsoAllowed}` : range;
    }
    case 'number':
      return `a number >= ${t.min}`;
    case 'enum':
      return `one of ${t.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'booleanMap':
      return 'an object of true/false values';
    case 'stringList':
      return 'a string or a list of strings';
    case 'oneOf':
      return t.of.map(describeType).join(' or ');
    case 'freeObject':
      return 'an object';
  }
}

/**
 * The table's defaults overlaid with the keys `given` sets (undefined leaves the default), each
 * checked against its declaration; `invalid` makes the layer's own error for a value refused.
 */
export function resolveConfig<C>(defs: ConfigDefs<C>, given: Partial<C> | undefined, invalid: (key: string, value: unknown, expected: string) => Error): C {
  const out = defaultsOf(defs) as Record<string, unknown>;
  for (const [key, value] of Object.entries(given ?? {})) {
    if (value === undefined) continue;
    const def = (defs as Record<string, ConfigKey<unknown> | undefined>)[key];
    if (def && !accepts(def.type, value)) throw invalid(key, value, describeType(def.type));
    out[key] = value;
  }
  return out as C;
}
