/**
 * BINDERY_* environment variables → a config layer. The name after BINDERY_ is the config path
 * with '_' between segments, matched case-insensitively against the schema, so
 * BINDERY_BINDINGS_INPUT_CONSUMER_MAXATTEMPTS=5 sets bindings.input.consumer.maxAttempts and
 * BINDERY_BINDINGS_INPUT_CONSUMER_MAX_ATTEMPTS works too. Binding names are matched against the
 * declared ones ignoring case and '-'/'_'/'.'; binder settings (BINDERY_BINDERS_KAFKA_CLIENT_ID)
 * become camelCase (binders.kafka.clientId).
 */
import { ConfigTypeError } from '../errors';
import { editDistance, nearestName } from '../../binder/settings';
import { describeLeaf, type LeafType, type SchemaNode } from './schema';
import type { BinderyConfig } from './types';

const PREFIX = 'BINDERY_';
/**
 * Variables with the prefix that bindery's own tooling reads (the config file's location, the
 * test suites' peer policy and Redis URL, the BINDERY_TEST_* / BINDERY_BENCH_* namespaces).
 */
const RESERVED = new Set(['BINDERY_CONFIG_FILE', 'BINDERY_REQUIRE_PEERS', 'BINDERY_REDIS_URL']);
const RESERVED_PREFIXES = ['BINDERY_TEST_', 'BINDERY_BENCH_'];
const isReserved = (variable: string): boolean =>
  RESERVED.has(variable) || RESERVED_PREFIXES.some((prefix) => variable.startsWith(prefix));

const normalize = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const camel = (segments: string[]): string =>
  segments.map((s, i) => (i === 0 ? s.toLowerCase() : s.charAt(0).toUpperCase() + s.slice(1).toLowerCase())).join('');

type Match = { path: string[]; leaf: SchemaNode };

function match(node: SchemaNode, segments: string[], knownNames: string[]): Match | undefined {
  if (node.kind === 'leaf') {
    if (segments.length === 0) return { path: [], leaf: node };
    if (node.type === 'freeObject' || node.type === 'booleanMap') return { path: [camel(segments)], leaf: node };
    return undefined;
  }
  if (segments.length === 0) return undefined;
  if (node.kind === 'map' && node.entries) {
    // A key with its own schema (binders.native): only that schema can hold the rest.
    for (let take = 1; take <= segments.length; take++) {
      const head = normalize(segments.slice(0, take).join(''));
      const key = Object.keys(node.entries).find((k) => normalize(k) === head);
      if (!key) continue;
      const found = match(node.entries[key], segments.slice(take), knownNames);
      return found ? { path: [key, ...found.path], leaf: found.leaf } : undefined;
    }
  }
  if (node.kind === 'object') {
    // Longest field name first: BROKER_CONFIG_… is brokerConfig.…, not broker.configLogSegmentBytes.
    for (let take = segments.length; take >= 1; take--) {
      const key = Object.keys(node.fields).find((k) => normalize(k) === normalize(segments.slice(0, take).join('')));
      if (!key) continue;
      const found = match(node.fields[key], segments.slice(take), knownNames);
      if (found) return { path: [key, ...found.path], leaf: found.leaf };
    }
    return undefined;
  }
  // A map's keys are names (bindings.orders-in): shortest first, the rest must fit the value schema.
  for (let take = 1; take < segments.length; take++) {
    const head = segments.slice(0, take);
    const found = match(node.values, segments.slice(take), knownNames);
    if (!found) continue;
    const name = knownNames.find((n) => normalize(n) === normalize(head.join(''))) ?? head.join('_').toLowerCase();
    return { path: [name, ...found.path], leaf: found.leaf };
  }
  return undefined;
}

/** The value a variable gives a leaf, or undefined when it cannot be one. */
function parseLeaf(raw: string, t: LeafType): { value: unknown } | undefined {
  const trimmed = raw.trim();
  switch (t.type) {
    case 'string':
      return raw.length > 0 ? { value: raw } : undefined;
    case 'stringList':
      // "host:port,host:port" as written; the binder splits it.
      return trimmed.length > 0 ? { value: raw } : undefined;
    case 'boolean':
      return /^(true|false)$/i.test(trimmed) ? { value: trimmed.toLowerCase() === 'true' } : undefined;
    case 'integer':
    case 'number':
      return trimmed === '' || Number.isNaN(Number(trimmed)) ? undefined : { value: Number(trimmed) };
    case 'enum': {
      const found = t.values.find((v) => String(v).toLowerCase() === trimmed.toLowerCase());
      return found === undefined ? undefined : { value: found };
    }
    case 'oneOf':
      for (const alternative of t.of) {
        const parsed = parseLeaf(raw, alternative);
        if (parsed) return parsed;
      }
      return undefined;
    case 'booleanMap':
    case 'freeObject':
      // Free-form settings: numbers and booleans as such, anything else as text.
      if (/^(true|false)$/i.test(trimmed)) return { value: trimmed.toLowerCase() === 'true' };
      if (trimmed !== '' && !Number.isNaN(Number(trimmed))) return { value: Number(trimmed) };
      return { value: raw };
  }
}

function parseValue(raw: string, leaf: SchemaNode, path: string, variable: string): unknown {
  const t = leaf as { kind: 'leaf' } & LeafType;
  const parsed = parseLeaf(raw, t);
  if (!parsed) throw new ConfigTypeError(path, describeLeaf(t), raw, `environment variable ${variable}`);
  return parsed.value;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    node = (node[segment] ??= {}) as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

/**
 * The top-level config key a variable's leading segments name or nearly name (a typo within two
 * edits), or undefined when the variable does not look like config at all.
 */
function intendedRoot(schema: SchemaNode, segments: string[]): string | undefined {
  if (schema.kind !== 'object') return undefined;
  const roots = Object.keys(schema.fields);
  for (let take = 1; take <= segments.length; take++) {
    const head = normalize(segments.slice(0, take).join(''));
    const root = roots.find((key) => editDistance(head, normalize(key)) <= Math.min(2, Math.floor(key.length / 3)));
    if (root) return root;
  }
  return undefined;
}

const snake = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();

/** Every variable that sets a config path, with binding names from `knownNames` and binders from the schema. */
function knownVariables(node: SchemaNode, knownNames: string[], prefix: string[] = []): string[] {
  const here = `${PREFIX}${prefix.map(snake).join('_')}`;
  if (node.kind === 'leaf') return [here];
  if (node.kind === 'object') return Object.entries(node.fields).flatMap(([key, child]) => knownVariables(child, knownNames, [...prefix, key]));
  const entries = Object.entries(node.entries ?? {}).flatMap(([key, child]) => knownVariables(child, knownNames, [...prefix, key]));
  if (node.values.kind === 'leaf') return entries;
  return [...entries, ...knownNames.flatMap((name) => knownVariables(node.values, knownNames, [...prefix, name]))];
}

/**
 * The config layer the environment describes. A variable that names (or nearly names) a config
 * key but no config path is an error, so a typo never passes silently; other BINDERY_* variables
 * are not config and are left alone.
 */
export function configFromEnvironment(
  schema: SchemaNode,
  env: NodeJS.ProcessEnv,
  knownNames: string[],
): { config: BinderyConfig; sources: Record<string, string> } {
  const config: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  for (const [variable, raw] of Object.entries(env)) {
    if (!variable.startsWith(PREFIX) || isReserved(variable) || raw === undefined) continue;
    const segments = variable.slice(PREFIX.length).split('_').filter(Boolean);
    const found = match(schema, segments, knownNames);
    if (!found) {
      if (intendedRoot(schema, segments) === undefined) continue;
      const nearest = nearestName(variable, knownVariables(schema, knownNames));
      const expected = `a BINDERY_<config path> variable bindery knows${nearest ? ` (did you mean ${nearest}?)` : ''}`;
      throw new ConfigTypeError(variable, expected, raw, `environment variable ${variable}`);
    }
    const path = found.path.join('.');
    setPath(config, found.path, parseValue(raw, found.leaf, path, variable));
    sources[path] = `environment variable ${variable}`;
  }
  return { config: config as BinderyConfig, sources };
}
