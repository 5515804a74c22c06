/**
 * Turns a message schema table into a plan for one version: the fields present in that version, in
 * wire order, with their concrete wire type (compact or classic, nullable or not) and their tagged
 * fields by tag. Plans are built once per (message, version) and cached; encode/decode only walk them.
 */
import type { FieldSchema, MessageSchema } from './schemaTypes';
import { parseVersionRange, versionIn } from './versions';

export type PrimitiveKind =
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint16'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid'
  | 'bool';

export type ElementType = { readonly kind: PrimitiveKind } | { readonly kind: 'struct'; readonly struct: StructPlan };

export type WireType = ElementType | { readonly kind: 'array'; readonly elem: ElementType };

export interface FieldPlan {
  readonly name: string;
  readonly type: WireType;
  readonly nullable: boolean;
  /** Tag when the field is a tagged field in this version. */
  readonly tag: number | undefined;
  /** Makes the value a field takes when absent from the wire (a fresh object for arrays/structs). */
  readonly makeDefault: () => unknown;
}

export interface StructPlan {
  readonly flexible: boolean;
  /** Fields on the wire in this version, in order (untagged). */
  readonly fields: readonly FieldPlan[];
  /** Tagged fields of this version, sorted by tag. */
  readonly tagged: readonly FieldPlan[];
  readonly taggedByTag: ReadonlyMap<number, FieldPlan>;
  /** Fields not on the wire in this version: decoded data gets their defaults. */
  readonly absent: readonly FieldPlan[];
}

const PRIMITIVES = new Set<string>(['int8', 'int16', 'int32', 'int64', 'uint16', 'float64', 'string', 'bytes', 'records', 'uuid', 'bool']);
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/** Struct definitions of a message by type name: nested declarations and commonStructs. */
function structRegistry(schema: MessageSchema): Map<string, readonly FieldSchema[]> {
  const registry = new Map<string, readonly FieldSchema[]>();
  for (const s of schema.commonStructs ?? []) registry.set(s.name, s.fields);
  const walk = (fields: readonly FieldSchema[]): void => {
    for (const f of fields) {
      if (f.fields === undefined) continue;
      registry.set(f.type.startsWith('[]') ? f.type.slice(2) : f.type, f.fields);
      walk(f.fields);
    }
  };
  walk(schema.fields);
  return registry;
}

function primitiveDefault(kind: PrimitiveKind, text: string | undefined, nullDefault: boolean): () => unknown {
  if (nullDefault || (text === 'null' && kind === 'records')) return () => null;
  switch (kind) {
    case 'int64': {
      const v = text === undefined || text === '' ? 0n : BigInt(text);
      return () => v;
    }
    case 'bool': {
      const v = text === 'true';
      return () => v;
    }
    case 'string': {
      const v = text ?? '';
      return () => v;
    }
    case 'uuid':
      return () => ZERO_UUID;
    case 'bytes':
      return () => Buffer.alloc(0);
    case 'records':
      return () => null;
    default: {
      const v = text === undefined || text === '' ? 0 : Number(text);
      return () => v;
    }
  }
}

class Compiler {
  private readonly registry: Map<string, readonly FieldSchema[]>;
  private readonly cache = new Map<string, StructPlan>();

  constructor(
    private readonly schema: MessageSchema,
    private readonly version: number,
    private readonly flexible: boolean,
  ) {
    this.registry = structRegistry(schema);
  }

  struct(key: string, fields: readonly FieldSchema[]): StructPlan {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const present: FieldPlan[] = [];
    const tagged: FieldPlan[] = [];
    const absent: FieldPlan[] = [];
    for (const f of fields) {
      const isTagged = this.flexible && versionIn(f.taggedVersions, this.version);
      const plan = this.field(f, isTagged ? f.tag : undefined);
      if (!versionIn(f.versions, this.version)) absent.push(plan);
      else if (isTagged) tagged.push(plan);
      else present.push(plan);
    }
    tagged.sort((a, b) => (a.tag as number) - (b.tag as number));
    const plan: StructPlan = {
      flexible: this.flexible,
      fields: present,
      tagged,
      taggedByTag: new Map(tagged.map((f) => [f.tag as number, f])),
      absent,
    };
    this.cache.set(key, plan);
    return plan;
  }

  private field(f: FieldSchema, tag: number | undefined): FieldPlan {
    const nullable = versionIn(f.nullableVersions, this.version);
    const isArray = f.type.startsWith('[]');
    const elemName = isArray ? f.type.slice(2) : f.type;
    const elem = this.type(elemName);
    const type: WireType = isArray ? { kind: 'array', elem } : elem;
    // A "null" default holds in every version, also those where the field is absent or not nullable.
    const nullDefault = f.default === 'null' && f.nullableVersions !== undefined;
    let makeDefault: () => unknown;
    if (isArray) makeDefault = nullDefault ? () => null : () => [];
    else if (elem.kind === 'struct') {
      const struct = elem.struct;
      makeDefault = nullDefault ? () => null : () => defaultStruct(struct);
    } else makeDefault = primitiveDefault(elem.kind, f.default, nullDefault);
    return { name: f.name, type, nullable, tag, makeDefault };
  }

  private type(name: string): ElementType {
    if (PRIMITIVES.has(name)) return { kind: name as PrimitiveKind };
    const fields = this.registry.get(name);
    if (fields === undefined) throw new Error(`schema ${this.schema.name} refers to unknown struct ${name}`);
    return { kind: 'struct', struct: this.struct(name, fields) };
  }
}

/** A struct with every field (of the plan's version) at its default. */
export function defaultStruct(plan: StructPlan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of plan.fields) out[f.name] = f.makeDefault();
  for (const f of plan.tagged) out[f.name] = f.makeDefault();
  for (const f of plan.absent) out[f.name] = f.makeDefault();
  return out;
}

const planCache = new WeakMap<MessageSchema, Map<number, StructPlan>>();

/** The cached plan of a message's top-level struct at `version` (the caller checks the version is valid). */
export function messagePlan(schema: MessageSchema, version: number): StructPlan {
  let byVersion = planCache.get(schema);
  if (!byVersion) {
    byVersion = new Map();
    planCache.set(schema, byVersion);
  }
  let plan = byVersion.get(version);
  if (!plan) {
    const flexible = versionIn(schema.flexibleVersions, version);
    plan = new Compiler(schema, version, flexible).struct(`<${schema.name}>`, schema.fields);
    byVersion.set(version, plan);
  }
  return plan;
}

export function isValidVersion(schema: MessageSchema, version: number): boolean {
  const r = parseVersionRange(schema.validVersions);
  return r !== null && Number.isInteger(version) && version >= r.min && version <= r.max;
}

const FIXED_SIZE: Partial<Record<PrimitiveKind, number>> = { int8: 1, bool: 1, int16: 2, uint16: 2, int32: 4, int64: 8, float64: 8, uuid: 16 };
const minSizeCache = new WeakMap<StructPlan, number>();

/**
 * The fewest bytes one value of `type` can take on the wire (at least 1), used to reject array
 * counts that the remaining bytes could not possibly hold before allocating anything for them.
 */
export function minWireSize(type: WireType, nullable: boolean, flexible: boolean): number {
  switch (type.kind) {
    case 'struct': {
      if (nullable) return 1;
      let size = minSizeCache.get(type.struct);
      if (size === undefined) {
        size = type.struct.flexible ? 1 : 0;
        for (const f of type.struct.fields) size += minWireSize(f.type, f.nullable, type.struct.flexible);
        minSizeCache.set(type.struct, size);
      }
      return Math.max(1, size);
    }
    case 'array':
      return flexible ? 1 : 4;
    case 'string':
      return flexible ? 1 : 2;
    case 'bytes':
    case 'records':
      return flexible ? 1 : 4;
    default:
      return FIXED_SIZE[type.kind] ?? 1;
  }
}
