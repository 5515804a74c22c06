/** Checks one config layer against the schema, naming the path and where the value came from. */
import { ConfigTypeError } from '../errors';
import { BinderyError } from '../../protocol/primitives/errors';
import { nearestName } from '../../binder/settings';
import { describeLeaf, type LeafType, type SchemaNode } from './schema';

export class UnknownConfigKeyError extends BinderyError {
  constructor(path: string, known: string[], source: string) {
    const nearest = nearestName(path.slice(path.lastIndexOf('.') + 1), known);
    super(
      'UNKNOWN_CONFIG_KEY',
      `Config '${path}' (from ${source}) is not a setting bindery knows${nearest ? `; did you mean '${nearest}'?` : '.'} ` +
        `Known here: ${known.join(', ')}. Check the spelling.`,
    );
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

function leafValid(t: LeafType, value: unknown): boolean {
  switch (t.type) {
    case 'string':
      return typeof value === 'string' && value.length > 0;
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && (value === t.alsoAllowed || (value >= t.min && (t.max === undefined || value <= t.max)));
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= t.min;
    case 'enum':
      return t.values.includes(value as string | number);
    case 'booleanMap':
      return isPlainObject(value) && Object.values(value).every((v) => typeof v === 'boolean');
    case 'stringList':
      return (typeof value === 'string' && value.length > 0) || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.length > 0));
    case 'oneOf':
      return t.of.some((alternative) => leafValid(alternative, value));
    case 'freeObject':
      return isPlainObject(value);
  }
}

export function validateConfig(node: SchemaNode, value: unknown, path: string, source: string): void {
  if (value === undefined) return;
  if (node.kind === 'leaf') {
    if (!leafValid(node, value)) throw new ConfigTypeError(path, describeLeaf(node), value, source);
    return;
  }
  if (!isPlainObject(value)) throw new ConfigTypeError(path || '(root)', 'an object', value, source);
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (node.kind === 'map') {
      validateConfig(node.entries?.[key] ?? node.values, child, childPath, source);
      continue;
    }
    const field = node.fields[key];
    if (!field) throw new UnknownConfigKeyError(childPath, Object.keys(node.fields), source);
    validateConfig(field, child, childPath, source);
  }
}
