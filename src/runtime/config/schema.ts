/**
 * A description of BinderyConfig that drives validation of every layer and the mapping of
 * BINDERY_* environment variables onto config paths.
 */
import { setting, type LeafType, type MapSchema, type ObjectSchema, type SchemaNode } from '../../binder/settings';
import { describeType } from '../../protocol/config/ConfigDef';
import { BINDING_CONSUMER_DEFS, BINDING_PRODUCER_DEFS, MANAGEMENT_CONFIG_DEFS, REQUEST_REPLY_CONFIG_DEFS } from './bindingDefs';

export type { LeafType, MapSchema, ObjectSchema, SchemaNode };

const leaf = (t: LeafType): SchemaNode => ({ kind: 'leaf', ...t });
const str = leaf({ type: 'string' });
const bool = leaf({ type: 'boolean' });
const nonNegInt = leaf({ type: 'integer', min: 0 });

const consumer: ObjectSchema = setting.fromDefs(BINDING_CONSUMER_DEFS);
const producer: ObjectSchema = setting.fromDefs(BINDING_PRODUCER_DEFS);

const binding: ObjectSchema = {
  kind: 'object',
  fields: { destination: str, group: str, contentType: str, binder: str, consumer, producer },
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
    management: setting.fromDefs(MANAGEMENT_CONFIG_DEFS),
    requestReply: setting.fromDefs(REQUEST_REPLY_CONFIG_DEFS),
  },
};

/** CONFIG_SCHEMA with `binders.<name>` checked against each binder's settings schema. */
export function configSchema(binderSettings: Record<string, ObjectSchema>): ObjectSchema {
  const binders = CONFIG_SCHEMA.fields.binders as MapSchema;
  const entries: Record<string, ObjectSchema> = {};
  for (const [name, settings] of Object.entries(binderSettings)) entries[name] = withBinderType(settings);
  return { kind: 'object', fields: { ...CONFIG_SCHEMA.fields, binders: { ...binders, entries } } };
}

/** A binder's settings plus `type`, which a `binders.<name>` entry sets when its name is not a binder type. */
export function withBinderType(settings: ObjectSchema): ObjectSchema {
  return { kind: 'object', fields: { ...settings.fields, type: str } };
}

export function describeLeaf(t: LeafType): string {
  return describeType(t);
}
