import { parseArgs } from 'node:util';
import { BinderyError } from '../protocol/primitives';

/** A command line the user must fix; printed with the usage and exit code 2. */
export class UsageError extends BinderyError {
  constructor(message: string) {
    super('CLI_USAGE', message);
  }
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

/**
 * `--help` / `-h` among a command's options: not a failure. main() prints that command's usage to
 * standard output and exits 0.
 */
export class HelpRequested extends Error {
  constructor() {
    super('help requested');
  }
}

const HELP_FLAGS = new Set(['--help', '-h']);
const NEGATIVE_NUMBER = /^-\d+(\.\d+)?$/;

/** The spec's options that take a value, as they are written on the command line. */
function valueOptions(spec: OptionSpec): Set<string> {
  const out = new Set<string>();
  for (const [name, option] of Object.entries(spec)) {
    if (option.type !== 'string') continue;
    out.add(`--${name}`);
    if (option.short) out.add(`-${option.short}`);
  }
  return out;
}

/**
 * Joins `--acks -1` into `--acks=-1`: node's parseArgs takes a value starting with '-' for an
 * option and calls it ambiguous, but a negative number after an option that takes a value is that
 * value. Throws HelpRequested when --help/-h stands where an option would.
 */
function normalizeArgs(argv: string[], spec: OptionSpec): string[] {
  const takesValue = valueOptions(spec);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (HELP_FLAGS.has(arg)) throw new HelpRequested();
    if (takesValue.has(arg) && i + 1 < argv.length) {
      const value = argv[++i];
      if (NEGATIVE_NUMBER.test(value)) out.push(`${arg}=${value}`);
      else out.push(arg, value);
      continue;
    }
    out.push(arg);
  }
  return out;
}

/** Parses `argv` strictly against `spec`; unknown options are a UsageError naming them. */
export function parseOptions<T extends OptionSpec>(argv: string[], spec: T): { values: Record<string, unknown>; positionals: string[] } {
  const args = normalizeArgs(argv, spec);
  try {
    const { values, positionals } = parseArgs({ args, options: spec, allowPositionals: true, strict: true });
    return { values: values as Record<string, unknown>, positionals };
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function stringOpt(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function requiredOpt(values: Record<string, unknown>, name: string): string {
  const v = stringOpt(values, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

export function intOpt(values: Record<string, unknown>, name: string, fallback: number): number {
  const v = stringOpt(values, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be an integer, got '${v}'`);
  return n;
}

/** Repeated `--config key=value` options as a record. */
export function keyValues(values: Record<string, unknown>, name: string): Record<string, string> {
  const raw = values[name];
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  const out: Record<string, string> = {};
  for (const item of list as string[]) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${name} expects key=value, got '${item}'`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

export const CLIENT_OPTIONS = {
  'bootstrap-server': { type: 'string' },
  'sasl-username': { type: 'string' },
  'sasl-password': { type: 'string' },
} as const;

export function clientOptions(values: Record<string, unknown>): { brokers: string[]; sasl?: { username: string; password: string } } {
  const brokers = (stringOpt(values, 'bootstrap-server') ?? '127.0.0.1:9092').split(',').map((s) => s.trim()).filter(Boolean);
  const username = stringOpt(values, 'sasl-username');
  const password = stringOpt(values, 'sasl-password');
  return { brokers, sasl: username !== undefined ? { username, password: password ?? '' } : undefined };
}

/** Where commands write; tests and the binary both pass process streams. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  stdin: NodeJS.ReadableStream;
}
