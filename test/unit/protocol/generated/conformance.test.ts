/**
 * The committed schema tables say what Kafka's message schemas say: same messages, api keys,
 * version ranges, and per field the same name, type, versions, nullable/tagged versions, tag, default.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { messageSchemas, type FieldSchema } from '../../../../src/protocol';
import { describeWithReference } from '../../../support/referenceData';

interface JsonField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number | string;
  default?: string | number | boolean;
  fields?: JsonField[];
}

interface JsonMessage {
  name: string;
  type: string;
  apiKey?: number;
  validVersions: string;
  flexibleVersions?: string;
  fields: JsonField[];
  commonStructs?: { name: string; versions: string; fields: JsonField[] }[];
}

function readJson(file: string): JsonMessage {
  const text = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => !l.trim().startsWith('//'))
    .join('\n');
  return JSON.parse(text) as JsonMessage;
}

/** The facts of a field as the tables should carry them (property names start lower-case). */
function expectedField(f: JsonField): Record<string, unknown> {
  return {
    name: f.name.charAt(0).toLowerCase() + f.name.slice(1),
    type: f.type,
    versions: f.versions.trim(),
    nullableVersions: f.nullableVersions?.trim(),
    taggedVersions: f.taggedVersions?.trim(),
    tag: f.taggedVersions ? Number(f.tag) : undefined,
    default: f.default === undefined ? undefined : String(f.default).trim(),
    fields: f.fields?.map(expectedField),
  };
}

function actualField(f: FieldSchema): Record<string, unknown> {
  return {
    name: f.name,
    type: f.type,
    versions: f.versions,
    nullableVersions: f.nullableVersions,
    taggedVersions: f.taggedVersions,
    tag: f.tag,
    default: f.default,
    fields: f.fields?.map(actualField),
  };
}

describeWithReference('generated schema tables match the Kafka message schemas', (dir) => {
  const files = fs
    .readdirSync(path.join(dir, 'messages'))
    .filter((f) => f.endsWith('.json'))
    .sort();

  it('has one table per schema file', () => {
    expect(messageSchemas.map((m) => m.name).sort()).toEqual(files.map((f) => f.replace(/\.json$/, '')).sort());
  });

  it.each(files)('%s', (file) => {
    const json = readJson(path.join(dir, 'messages', file));
    const table = messageSchemas.find((m) => m.name === json.name);
    expect(table).toBeDefined();
    if (!table) return;
    expect(table.type).toBe(json.type);
    expect(table.apiKey).toBe(json.apiKey ?? null);
    expect(table.validVersions).toBe(json.validVersions);
    expect(table.flexibleVersions).toBe(json.flexibleVersions ?? 'none');
    expect(table.fields.map(actualField)).toEqual(json.fields.map(expectedField));
    expect((table.commonStructs ?? []).map((s) => ({ name: s.name, versions: s.versions, fields: s.fields.map(actualField) }))).toEqual(
      (json.commonStructs ?? []).map((s) => ({ name: s.name, versions: s.versions, fields: s.fields.map(expectedField) })),
    );
  });
});
