/**
 * BINDERY_* environment variables → a config layer. The name after BINDERY_ is the config path
 * with '_' between segments, matched case-insensitively against the schema, so
 * BINDERY_BINDINGS_INPUT_CONSUMER_MAXATTEMPTS=5 sets bindings.input.consumer.maxAttempts and
 * BINDERY_BINDINGS_INPUT_CONSUMER_MAX_ATTEMPTS works too. Binding names are matched against the
 * declared ones ignoring case and '-'/'_'/'.'; binder settings (BINDERY_BINDERS_KAFKA_CLIENT_ID)
 * become camelCase (binders.kafka.clientId).
 */
import { ConfigTypeError } from '../errors';
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
  for (let take = 1; take <= segments.length; take++) {
    const head = segments.slice(0, take);
    const rest = segments.slice(take);
    if (node.kind === 'object') {
      const key = Object.keys(node.fields).find((k) => normalize(k) === normalize(head.join('')));
      if (!key) continue;
      const found = match(node.fields[key], rest, knownNames);
      if (found) return { path: [key, ...found.path], leaf: found.leaf };
    } else {
      const found = match(node.values, rest, knownNames);
      if (!found) continue;
      const name = knownNames.find((n) => normalize(n) === normalize(head.join(''))) ?? head.join('_').toLowerCase();
      return { path: [name, ...found.path], leaf: found.leaf };
    }
  }
  return undefined;
}

function parseValue(raw: string, leaf: SchemaNode, path: string, variable: string): unknown {
  const t = leaf as { kind: 'leaf' } & LeafType;
  const fail = (): never => {
    throw new ConfigTypeError(path, describeLeaf(t), raw, `environment variable ${variable}`);
  };
  const trimmed = raw.trim();
  switch (t.type) {
    case 'string':
      return raw;
    case 'boolean':
      if (/^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true';
      return fail();
    case 'integer':
    case 'number':
      if (trimmed === '' || Number.isNaN(Number(trimmed))) return fail();
      return Number(trimmed);
    case 'enum': {
      const found = t.values.find((v) => String(v).toLowerCase() === trimmed.toLowerCase());
      return found === undefined ? fail() : found;
    }
    case 'booleanMap':
    case 'freeObject':
      // Free-form settings: numbers and booleans as such, anything else as text.
      if (/^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true';
      if (trimmed !== '' && !Number.isNaN(Number(trimmed))) return Number(trimmed);
      return raw;
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    node = (node[segment] ??= {}) as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

/** Edit distance, for telling a misspelt config key from a variable that is not config at all. */
function editDistance(a: string, b: string): number {
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
      throw new ConfigTypeError(variable, 'a BINDERY_<config path> variable bindery knows', raw, `environment variable ${variable}`);
    }
    const path = found.path.join('.');
    setPath(config, found.path, parseValue(raw, found.leaf, path, variable));
    sources[path] = `environment variable ${variable}`;
  }
  return { config: config as BinderyConfig, sources };
}
