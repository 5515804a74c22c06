/**
 * Builds random but valid message data for a schema table at a version, from the tables alone
 * (seeded, so failures reproduce). Only fields present in that version are set.
 */
import type { FieldSchema, MessageSchema } from '../../../../src/protocol';

export function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function inRange(text: string | undefined, version: number): boolean {
  if (text === undefined || text.trim() === 'none') return false;
  const v = text.trim();
  if (v.endsWith('+')) return version >= Number(v.slice(0, -1));
  const [a, b] = v.split('-');
  return version >= Number(a) && version <= Number(b ?? a);
}

const TEXT = ['', 'a', 'topic-1', 'grüße', '分区', 'x'.repeat(40)];

export class SampleBuilder {
  private readonly structs = new Map<string, readonly FieldSchema[]>();

  constructor(
    schema: MessageSchema,
    private readonly version: number,
    private readonly rnd: () => number,
  ) {
    for (const s of schema.commonStructs ?? []) this.structs.set(s.name, s.fields);
    const walk = (fields: readonly FieldSchema[]): void => {
      for (const f of fields) {
        if (!f.fields) continue;
        this.structs.set(f.type.replace(/^\[\]/, ''), f.fields);
        walk(f.fields);
      }
    };
    walk(schema.fields);
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.rnd() * (max - min + 1));
  }

  struct(fields: readonly FieldSchema[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of fields) if (inRange(f.versions, this.version)) out[f.name] = this.field(f);
    return out;
  }

  private field(f: FieldSchema): unknown {
    const nullable = inRange(f.nullableVersions, this.version);
    if (nullable && this.rnd() < 0.25) return null;
    if (f.type.startsWith('[]')) {
      const n = this.int(0, 3);
      return Array.from({ length: n }, () => this.value(f.type.slice(2)));
    }
    return this.value(f.type);
  }

  private value(type: string): unknown {
    switch (type) {
      case 'int8':
        return this.int(-128, 127);
      case 'int16':
        return this.int(-32768, 32767);
      case 'int32':
        return this.int(-2147483648, 2147483647);
      case 'uint16':
        return this.int(0, 65535);
      case 'int64':
        return BigInt.asIntN(64, (BigInt(this.int(0, 0xffffffff)) << 32n) | BigInt(this.int(0, 0xffffffff)));
      case 'float64':
        return (this.rnd() - 0.5) * 1e6;
      case 'bool':
        return this.rnd() < 0.5;
      case 'string':
        return TEXT[this.int(0, TEXT.length - 1)];
      case 'bytes':
      case 'records':
        return Buffer.from(Array.from({ length: this.int(0, 20) }, () => this.int(0, 255)));
      case 'uuid': {
        const h = Buffer.from(Array.from({ length: 16 }, () => this.int(0, 255))).toString('hex');
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
      }
      default: {
        const fields = this.structs.get(type);
        if (!fields) throw new Error(`unknown struct ${type}`);
        return this.struct(fields);
      }
    }
  }
}
