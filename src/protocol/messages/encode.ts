/**
 * Schema-driven encoder; writes the grammar described in decode.ts. Missing fields take their
 * schema default. Tagged fields are written only when they differ from their default (Kafka's rule),
 * merged in tag order with any unknown tagged fields the data carried from a decode.
 */
import { ByteWriter } from '../primitives/ByteWriter';
import { BinderyError } from '../primitives/errors';
import type { FieldPlan, StructPlan, WireType } from './compile';
import { ZeroCopyWriter } from './ZeroCopyWriter';
import type { RawTaggedField } from './schemaTypes';

/** Data given to an encoder does not fit the schema (wrong type, null where not nullable...). */
export class ProtocolEncodeError extends BinderyError {
  constructor(message: string) {
    super('PROTOCOL_ENCODE', message);
  }
}

type Data = Record<string, unknown>;

export function encodeStruct(out: ZeroCopyWriter, plan: StructPlan, data: Data): void {
  for (const f of plan.fields) {
    const v = data[f.name];
    encodeField(out, f, v === undefined ? f.makeDefault() : v, plan.flexible);
  }
  if (plan.flexible) encodeTaggedFields(out.w, plan, data);
}

function encodeTaggedFields(w: ByteWriter, plan: StructPlan, data: Data): void {
  if (plan.tagged.length === 0 && data._unknownTaggedFields === undefined) {
    w.uvarint(0); // the common case: nothing tagged
    return;
  }
  const entries: { tag: number; bytes: Buffer }[] = [];
  for (const f of plan.tagged) {
    const v = data[f.name];
    if (v === undefined || isDefault(v, f.makeDefault())) continue;
    const sub = new ZeroCopyWriter(64);
    encodeField(sub, f, v, true);
    const { chunks, size } = sub.finish();
    entries.push({ tag: f.tag as number, bytes: Buffer.concat(chunks, size) });
  }
  const unknown = data._unknownTaggedFields as RawTaggedField[] | undefined;
  if (unknown) for (const u of unknown) entries.push({ tag: u.tag, bytes: u.data });
  if (unknown && entries.length > 1) entries.sort((a, b) => a.tag - b.tag);
  w.uvarint(entries.length);
  for (const e of entries) {
    w.uvarint(e.tag);
    w.uvarint(e.bytes.length);
    w.raw(e.bytes);
  }
}

/** True when a value equals a field's default, so a tagged field can be left off the wire. */
function isDefault(v: unknown, d: unknown): boolean {
  if (v === d) return true;
  if (v === null || d === null) return false;
  if (Buffer.isBuffer(v) && Buffer.isBuffer(d)) return v.equals(d);
  if (Array.isArray(v) && Array.isArray(d)) return v.length === 0 && d.length === 0;
  if (typeof v === 'object' && typeof d === 'object') {
    const dv = d as Data;
    const vv = v as Data;
    return Object.keys(dv).every((k) => vv[k] === undefined || isDefault(vv[k], dv[k]));
  }
  return false;
}

function encodeField(out: ZeroCopyWriter, f: FieldPlan, v: unknown, flexible: boolean): void {
  if (v === null && !f.nullable && f.type.kind !== 'records') {
    throw new ProtocolEncodeError(`field ${f.name} is null but not nullable in this version: give it a value`);
  }
  encodeValue(out, f.type, f.nullable, v, flexible, f.name);
}

function fail(name: string, expected: string, v: unknown): never {
  throw new ProtocolEncodeError(`field ${name} must be ${expected}, got ${v === null ? 'null' : typeof v}`);
}

function num(name: string, v: unknown): number {
  return typeof v === 'number' ? v : fail(name, 'a number', v);
}

function encodeValue(out: ZeroCopyWriter, type: WireType, nullable: boolean, v: unknown, flexible: boolean, name: string): void {
  const w = out.w;
  switch (type.kind) {
    case 'int8':
      w.int8(num(name, v));
      return;
    case 'int16':
      w.int16(num(name, v));
      return;
    case 'int32':
      w.int32(num(name, v));
      return;
    case 'uint16':
      w.uint16(num(name, v));
      return;
    case 'float64':
      w.float64(num(name, v));
      return;
    case 'int64':
      if (typeof v === 'bigint') {
        // Most INT64s (offsets, timestamps, ids) are safe integers: the number path avoids BigInt arithmetic.
        const n = Number(v);
        if (Number.isSafeInteger(n)) w.int64n(n);
        else w.int64(v);
      } else if (typeof v === 'number' && Number.isSafeInteger(v)) w.int64n(v);
      else fail(name, 'a bigint', v);
      return;
    case 'bool':
      if (typeof v !== 'boolean') fail(name, 'a boolean', v);
      w.bool(v);
      return;
    case 'uuid':
      if (typeof v !== 'string') fail(name, 'a UUID string', v);
      w.uuid(v);
      return;
    case 'string':
      if (v !== null && typeof v !== 'string') fail(name, 'a string', v);
      if (flexible) w.compactNullableString(v);
      else w.nullableString(v);
      return;
    case 'bytes':
    case 'records':
      if (v === null) {
        if (flexible) w.uvarint(0);
        else w.int32(-1);
        return;
      }
      if (Buffer.isBuffer(v)) {
        if (flexible) w.uvarint(v.length + 1);
        else w.int32(v.length);
        out.append(v);
        return;
      }
      if (type.kind === 'records' && Array.isArray(v)) {
        encodeRecordPieces(out, v, flexible, name);
        return;
      }
      fail(name, type.kind === 'records' ? 'a Buffer or an array of Buffers' : 'a Buffer', v);
      return;
    case 'struct':
      if (nullable) {
        if (v === null) {
          w.int8(-1);
          return;
        }
        w.int8(1);
      }
      if (typeof v !== 'object' || v === null) fail(name, 'an object', v);
      encodeStruct(out, type.struct, v as Data);
      return;
    case 'array': {
      if (v === null) {
        if (flexible) w.uvarint(0);
        else w.int32(-1);
        return;
      }
      if (!Array.isArray(v)) fail(name, 'an array', v);
      if (flexible) w.uvarint(v.length + 1);
      else w.int32(v.length);
      for (const item of v) {
        if (item === null || item === undefined) fail(`${name}[]`, 'a value', item);
        encodeValue(out, type.elem, false, item, flexible, name);
      }
      return;
    }
  }
}

/** A RECORDS value given as pieces: one length prefix, then each piece by reference. */
function encodeRecordPieces(out: ZeroCopyWriter, pieces: readonly unknown[], flexible: boolean, name: string): void {
  let size = 0;
  for (const p of pieces) {
    if (!Buffer.isBuffer(p)) fail(`${name}[]`, 'a Buffer', p);
    size += p.length;
  }
  if (flexible) out.w.uvarint(size + 1);
  else out.w.int32(size);
  for (const p of pieces as readonly Buffer[]) out.append(p);
}
