/**
 * Resolves the configuration. Precedence, lowest to highest:
 *   1. built-in defaults
 *   2. annotation attributes (@KafkaListener groupId, concurrency, ...)
 *   3. the `config` object passed to Bindery.create (code)
 *   4. the config file: `configFile` option, else BINDERY_CONFIG_FILE, else the first of
 *      bindery.config.json / bindery.config.yaml / bindery.config.yml in the working directory
 *   5. BINDERY_* environment variables
 * Code sets what the application means; file and environment let operators change it without a rebuild.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { ConfigFileError, ConfigTypeError } from '../errors';
import { configFromEnvironment } from './env';
import { binderNames, binderSettingsSchemas } from '../../binder/registry';
import { configSchema, withBinderType, type ObjectSchema } from './schema';
import type { BinderyConfig } from './types';
import { UnknownConfigKeyError, validateConfig } from './validate';

export const CONFIG_FILE_NAMES = ['bindery.config.json', 'bindery.config.yaml', 'bindery.config.yml'];

export interface ConfigSources {
  /** Config in code. */
  config?: BinderyConfig;
  /** Path of a JSON or YAML config file; false = do not look for one. */
  configFile?: string | false;
  /** Environment to read BINDERY_* from. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Directory searched for bindery.config.*. Default process.cwd(). */
  cwd?: string;
  /** Binding names the services declare, to map environment names onto them. */
  knownBindings?: string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof RegExp) && !Buffer.isBuffer(v);
}

/** Deep merge of plain objects; later layers win; arrays and other values are replaced whole. */
export function mergeConfig<T>(...layers: Array<T | undefined>): T {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer as Record<string, unknown>)) {
      if (value === undefined) continue;
      out[key] = isObject(value) && isObject(out[key]) ? mergeConfig(out[key], value) : value;
    }
  }
  return out as T;
}

function findConfigFile(sources: ConfigSources, env: NodeJS.ProcessEnv): string | undefined {
  if (sources.configFile === false) return undefined;
  if (sources.configFile) return sources.configFile;
  if (env.BINDERY_CONFIG_FILE) return env.BINDERY_CONFIG_FILE;
  const dir = sources.cwd ?? process.cwd();
  return CONFIG_FILE_NAMES.map((n) => path.join(dir, n)).find((f) => fs.existsSync(f));
}

export function readConfigFile(file: string): BinderyConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigFileError(file, (error as Error).message);
  }
  try {
    const parsed = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
    return (parsed ?? {}) as BinderyConfig;
  } catch (error) {
    throw new ConfigFileError(file, (error as Error).message.split('\n')[0]);
  }
}

/**
 * `binders.<name>` in one layer: a `type` must be a binder type, and a name that is not a binder
 * type must be given a type by some layer (`typed`), else it is a typo (binders.natvie).
 */
function checkBinderNames(layer: BinderyConfig, source: string, typed: Set<string>): void {
  const known = binderNames();
  for (const [name, entry] of Object.entries(layer.binders ?? {})) {
    const type = (entry as { type?: unknown } | undefined)?.type;
    if (type !== undefined && (typeof type !== 'string' || !known.includes(type))) {
      throw new ConfigTypeError(`binders.${name}.type`, `a binder type (${known.join(', ')})`, type, source);
    }
    if (!known.includes(name) && !typed.has(name)) throw new UnknownConfigKeyError(`binders.${name}`, known, source);
  }
}

/** A named binder configuration's settings, checked against those of its type once every layer is merged. */
function checkNamedBinders(merged: BinderyConfig, schemas: Record<string, ObjectSchema>): void {
  const known = binderNames();
  for (const [name, entry] of Object.entries(merged.binders ?? {})) {
    if (known.includes(name)) continue;
    const schema = schemas[(entry as { type: string }).type];
    if (schema) validateConfig(withBinderType(schema), entry, `binders.${name}`, 'the merged configuration');
  }
}

/** The merged config (code < file < environment), each layer validated with its source named. */
export function loadConfig(sources: ConfigSources = {}): BinderyConfig {
  return loadConfigWithSources(sources).config;
}

/** loadConfig, with where each binding's settings came from (for messages about them). */
export function loadConfigWithSources(sources: ConfigSources = {}): { config: BinderyConfig; bindingSources: Record<string, string> } {
  const env = sources.env ?? process.env;
  const binderSchemas = binderSettingsSchemas();
  const schema = configSchema(binderSchemas);
  const file = findConfigFile(sources, env);
  const fromFile = file ? readConfigFile(file) : {};
  const fromEnv = configFromEnvironment(schema, env, sources.knownBindings ?? []);
  const layers: Array<[BinderyConfig, string]> = [[sources.config ?? {}, 'the config passed to Bindery.create']];
  if (file) layers.push([fromFile, `config file ${file}`]);
  layers.push([fromEnv.config, 'the environment']);
  const typed = new Set<string>();
  for (const [layer] of layers) {
    for (const [name, entry] of Object.entries(layer.binders ?? {})) if ((entry as { type?: unknown } | undefined)?.type !== undefined) typed.add(name);
  }
  for (const [layer, source] of layers) {
    validateConfig(schema, layer, '', source);
    checkBinderNames(layer, source, typed);
  }
  const bindingSources: Record<string, string> = {};
  for (const name of Object.keys(sources.config?.bindings ?? {})) bindingSources[name] = 'the config passed to Bindery.create';
  for (const name of Object.keys(fromFile.bindings ?? {})) bindingSources[name] = `config file ${file}`;
  for (const [path, source] of Object.entries(fromEnv.sources)) {
    const [root, name] = path.split('.');
    if (root === 'bindings' && name !== undefined) bindingSources[name] = source;
  }
  const config = mergeConfig<BinderyConfig>(sources.config, fromFile, fromEnv.config);
  checkNamedBinders(config, binderSchemas);
  return { config, bindingSources };
}
