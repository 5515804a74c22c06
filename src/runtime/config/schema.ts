/**
 * A description of BinderyConfig that drives validation of every layer and the mapping of
 * BINDERY_* environment variables onto config paths.
 */
import type { LeafType, MapSchema, ObjectSchema, SchemaNode } from '../../binder/settings';

export type { LeafType, MapSchema, ObjectSchema, SchemaNode };

const leaf = (t: LeafType): SchemaNode => ({ kind: 'leaf', ...t });
const str = leaf({ type: 'string' });
const bool = leaf({ type: 'boolean' });
const posInt = leaf({ type: 'integer', min: 1 });
const nonNegInt = leaf({ type: 'integer', min: 0 });

const consumer: ObjectSchema = {
  kind: 'object',
  fields: {
    maxAttempts: posInt,
    backOffInitialInterval: nonNegInt,
    backOffMultiplier: leaf({ type: 'number', min: 1 }),
    backOffMaxInterval: nonNegInt,
    defaultRetryable: bool,
    retryableExceptions: leaf({ type: 'booleanMap' }),
    enableDlq: bool,
    dlqName: str,
    ackMode: leaf({ type: 'enum', values: ['record', 'batch', 'manual', 'manual_immediate'] }),
    concurrency: posInt,
    partitionCount: posInt,
    startOffset: leaf({ type: 'enum', values: ['earliest', 'latest'] }),
    autoStartup: bool,
    batchMode: bool,
    maxBatchRecords: posInt,
    idempotent: bool,
    idempotencyTtlMs: posInt,
    sessionTimeoutMs: posInt,
    handlerTimeoutMs: posInt,
    rebalanceTimeoutMs: posInt,
    heartbeatIntervalMs: posInt,
  },
};

const producer: ObjectSchema = {
  kind: 'object',
  fields: {
    partitionCount: posInt,
    compression: leaf({ type: 'enum', values: ['none', 'gzip', 'snappy', 'lz4', 'zstd'] }),
    batchSize: posInt,
    lingerMs: nonNegInt,
    acks: leaf({ type: 'enum', values: [0, 1, -1] }),
    idempotent: bool,
    outbox: { kind: 'object', fields: { dataDir: str } },
  },
};

const binding: ObjectSchema = {
  kind: 'object',
  fields: { destination: str, group: str, contentType: str, consumer, producer },
};

export const CONFIG_SCHEMA: ObjectSchema = {
  kind: 'object',
  fields: {
    binder: str,
    // A binder that describes its settings gets them checked (see configSchema); others take any object.
    binders: { kind: 'map', values: leaf({ type: 'freeObject' }) },
    bindings: { kind: 'map', values: binding },
    default: { kind: 'object', fields: { contentType: str, consumer, producer } },
    shutdownTimeoutMs: nonNegInt,
    strictBindings: bool,
    management: { kind: 'object', fields: { port: nonNegInt, host: str, livenessThresholdMs: posInt } },
  },
};

/** CONFIG_SCHEMA with `binders.<name>` checked against each binder's settings schema. */
export function configSchema(binderSettings: Record<string, ObjectSchema>): ObjectSchema {
  const binders = CONFIG_SCHEMA.fields.binders as MapSchema;
  return { kind: 'object', fields: { ...CONFIG_SCHEMA.fields, binders: { ...binders, entries: binderSettings } } };
}

export function describeLeaf(t: LeafType): string {
  switch (t.type) {
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'integer':
      return t.min === 1 ? 'a positive integer' : `an integer >= ${t.min}`;
    case 'number':
      return `a number >= ${t.min}`;
    case 'enum':
      return `one of ${t.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'booleanMap':
      return 'an object of true/false values';
    case 'stringList':
      return 'a string or a list of strings';
    case 'oneOf':
      return t.of.map(describeLeaf).join(' or ');
    case 'freeObject':
      return 'an object';
  }
}
