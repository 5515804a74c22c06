/**
 * Schema-driven decoder. Grammar of a struct in a given version (Kafka protocol guide):
 *
 *   STRUCT          => FIELD* [TAGGED_FIELDS]          (TAGGED_FIELDS only in flexible versions)
 *   TAGGED_FIELDS   => count:UNSIGNED_VARINT (tag:UNSIGNED_VARINT size:UNSIGNED_VARINT data:size bytes)*
 *   ARRAY[T]        => classic: count:INT32 (-1 = null) T*  | flexible: (count+1):UNSIGNED_VARINT (0 = null) T*
 *   STRING / BYTES  => classic: INT16 / INT32 length (-1 = null) | flexible: COMPACT_ forms (length+1, 0 = null)
 *   RECORDS         => BYTES (always nullable); kept as a view into the frame, never decoded here
 *   nullable STRUCT => INT8 marker (-1 = null, 1 = present) then the struct
 *
 * Every read is bounds-checked by ByteReader; counts are checked against the bytes left so a forged
 * length can neither allocate beyond the frame nor loop without consuming input.
 */
import { ByteReader } from '../primitives/ByteReader';
import { ProtocolDecodeError } from '../primitives/errors';
import { minWireSize, type FieldPlan, type StructPlan, type WireType } from './compile';
import type { RawTaggedField } from './schemaTypes';

export function decodeStruct(r: ByteReader, plan: StructPlan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of plan.fields) out[f.name] = decodeField(r, f, plan.flexible);
  if (plan.flexible) decodeTaggedFields(r, plan, out);
  for (const f of plan.tagged) if (!(f.name in out)) out[f.name] = f.makeDefault();
  for (const f of plan.absent) out[f.name] = f.makeDefault();
  return out;
}

function decodeTaggedFields(r: ByteReader, plan: StructPlan, out: Record<string, unknown>): void {
  const count = r.uvarint();
  if (count > r.remaining) throw new ProtocolDecodeError(`tagged field count ${count} exceeds the ${r.remaining} bytes left`);
  let unknown: RawTaggedField[] | undefined;
  let lastTag = -1;
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    if (tag <= lastTag) throw new ProtocolDecodeError(`tagged fields out of order: tag ${tag} after ${lastTag}`);
    lastTag = tag;
    const size = r.uvarint();
    const start = r.offset;
    const data = r.raw(size);
    const known = plan.taggedByTag.get(tag);
    if (known === undefined) {
      (unknown ??= []).push({ tag, data });
      continue;
    }
    const sub = new ByteReader(r.buf, start, start + size);
    out[known.name] = decodeField(sub, known, true);
    if (sub.remaining !== 0) {
      throw new ProtocolDecodeError(`tagged field ${known.name} (tag ${tag}) declared ${size} bytes but used ${size - sub.remaining}`);
    }
  }
  if (unknown) out._unknownTaggedFields = unknown;
}

function decodeField(r: ByteReader, f: FieldPlan, flexible: boolean): unknown {
  const value = decodeValue(r, f.type, f.nullable, flexible);
  if (value === null && !f.nullable && f.type.kind !== 'records') {
    throw new ProtocolDecodeError(`null ${f.name} where the schema requires a value`);
  }
  return value;
}

function decodeValue(r: ByteReader, type: WireType, nullable: boolean, flexible: boolean): unknown {
  switch (type.kind) {
    case 'int8':
      return r.int8();
    case 'int16':
      return r.int16();
    case 'int32':
      return r.int32();
    case 'int64': {
      // Two INT32 halves; within ±2^53 one BigInt() of a number is much cheaper than 64-bit BigInt reads.
      const hi = r.int32();
      const lo = r.uint32();
      return hi >= -0x200000 && hi < 0x200000 ? BigInt(hi * 0x100000000 + lo) : (BigInt(hi) << 32n) | BigInt(lo);
    }
    case 'uint16':
      return r.uint16();
    case 'float64':
      return r.float64();
    case 'bool':
      return r.bool();
    case 'uuid':
      return r.uuid();
    case 'string':
      return flexible ? r.compactNullableString() : r.nullableString();
    case 'bytes':
    case 'records':
      return flexible ? r.compactNullableBytes() : r.nullableBytes();
    case 'struct': {
      if (nullable) {
        const marker = r.int8();
        if (marker === -1) return null;
        if (marker !== 1) throw new ProtocolDecodeError(`bad nullable struct marker ${marker} at offset ${r.offset - 1}`);
      }
      return decodeStruct(r, type.struct);
    }
    case 'array': {
      const count = flexible ? r.uvarint() - 1 : r.int32();
      if (count < 0) {
        if (count === -1) return null;
        throw new ProtocolDecodeError(`negative array length ${count} at offset ${r.offset}`);
      }
      if (count * minWireSize(type.elem, false, flexible) > r.remaining) {
        throw new ProtocolDecodeError(`array of ${count} elements cannot fit in the ${r.remaining} bytes left`);
      }
      const items: unknown[] = [];
      for (let i = 0; i < count; i++) {
        const item = decodeValue(r, type.elem, false, flexible);
        if (item === null) throw new ProtocolDecodeError(`null array element at offset ${r.offset}`);
        items.push(item);
      }
      return items;
    }
  }
}
