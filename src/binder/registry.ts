/**
 * Binders by name. The runtime looks binders up here and never imports a binder's module; each
 * binder module registers a factory when loaded. The built-in ones ('native', 'kafka') are
 * loaded on first use, so kafkajs and the broker load only when configured.
 */
import type { Binder } from './Binder';
import { BinderyError } from '../protocol/primitives/errors';
import { nearestName, type ObjectSchema } from './settings';
import type { Logger } from '../logging';

export interface BinderFactoryContext {
  /** The name the binder was asked for. */
  name: string;
  /**
   * Binder-specific settings from config `binders.<name>` (e.g. brokers, dataDir), checked against
   * the settings schema the binder registered, if any.
   */
  properties: Record<string, unknown>;
  /** The application's logger; undefined when the binder is created outside an application. */
  logger?: Logger;
}

export type BinderFactory = (context: BinderFactoryContext) => Binder | Promise<Binder>;

export class UnknownBinderError extends BinderyError {
  constructor(name: string, known: string[]) {
    const nearest = nearestName(name, known);
    super(
      'UNKNOWN_BINDER',
      `No binder named '${name}' is registered (known: ${known.join(', ') || 'none'})${nearest ? `; did you mean '${nearest}'?` : '.'} ` +
        `Set config 'binder' (or BINDERY_BINDER) to one of them, or register one with registerBinder('${name}', factory).`,
    );
  }
}

interface Registration {
  factory: BinderFactory;
  settings: ObjectSchema | undefined;
}

const registrations = new Map<string, Registration>();

/** Modules that register the built-in binders, loaded lazily by name. */
const builtInModules: Record<string, string> = { test: './test', native: './native', kafka: './kafka' };

/** The built-in binders' settings schemas: small modules, so validating config loads no binder. */
const builtInSettings: Record<string, () => ObjectSchema> = {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  test: () => (require('./test/settings') as typeof import('./test/settings')).TEST_BINDER_SETTINGS,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  native: () => (require('./native/settings') as typeof import('./native/settings')).NATIVE_BINDER_SETTINGS,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  kafka: () => (require('./kafka/settings') as typeof import('./kafka/settings')).KAFKA_BINDER_SETTINGS,
};

/**
 * Registers a binder under `name`. With `settings`, config `binders.<name>` is validated against
 * them at start-up (unknown key or wrong type is an error); without, it is handed over unchecked.
 */
export function registerBinder(name: string, factory: BinderFactory, settings?: ObjectSchema): void {
  registrations.set(name, { factory, settings: settings ?? registrations.get(name)?.settings ?? builtInSettings[name]?.() });
}

/** Settings schemas by binder name: the built-ins' and those registered with one. */
export function binderSettingsSchemas(): Record<string, ObjectSchema> {
  const out: Record<string, ObjectSchema> = {};
  for (const [name, load] of Object.entries(builtInSettings)) out[name] = load();
  for (const [name, registration] of registrations) {
    if (registration.settings) out[name] = registration.settings;
  }
  return out;
}

/** Names of the built-in binders and of those registered, without loading any binder. */
export function binderNames(): string[] {
  return [...new Set([...Object.keys(builtInModules), ...registrations.keys()])];
}

function loadBuiltIn(name: string): void {
  const modulePath = builtInModules[name];
  if (!modulePath || registrations.has(name)) return;
  try {
    // require, not import(): resolves the same under tsc output and under jest.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(modulePath);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = (error as Error).message ?? '';
    // Only "this binder is not part of the build" is tolerated; any error inside it surfaces.
    if (code !== 'MODULE_NOT_FOUND' || !message.includes(modulePath.slice(2))) throw error;
  }
}

/** Names of binders available now (built-ins that are present are loaded to find out). */
export function registeredBinders(): string[] {
  for (const name of Object.keys(builtInModules)) loadBuiltIn(name);
  return [...registrations.keys()];
}

export function hasBinder(name: string): boolean {
  loadBuiltIn(name);
  return registrations.has(name);
}

export async function createBinder(name: string, properties: Record<string, unknown> = {}, logger?: Logger): Promise<Binder> {
  loadBuiltIn(name);
  const registration = registrations.get(name);
  if (!registration) throw new UnknownBinderError(name, registeredBinders());
  return registration.factory({ name, properties, logger });
}
