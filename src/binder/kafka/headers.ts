/** bindery's header list ⇄ kafkajs' header object (a repeated key is an array there). */
import type { IHeaders } from 'kafkajs';
import type { RecordHeader } from '../Binder';
import { NullHeaderValueError } from './errors';

export function toKafkajsHeaders(headers: RecordHeader[] | undefined): IHeaders | undefined {
  if (!headers || headers.length === 0) return undefined;
  const result: Record<string, Buffer[]> = {};
  for (const { key, value } of headers) {
    if (value === null) throw new NullHeaderValueError(key);
    (result[key] ??= []).push(value);
  }
  const out: IHeaders = {};
  for (const [key, values] of Object.entries(result)) {
    out[key] = values.length === 1 ? values[0] : values;
  }
  return out;
}

export function fromKafkajsHeaders(headers: IHeaders | undefined): RecordHeader[] {
  if (!headers) return [];
  const list: RecordHeader[] = [];
  for (const [key, value] of Object.entries(headers)) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      list.push({ key, value: item === undefined || item === null ? null : Buffer.isBuffer(item) ? item : Buffer.from(item) });
    }
  }
  return list;
}
