/**
 * Binders by name. The runtime looks binders up here and never imports a binder's module; each
 * binder module registers a factory when loaded. The built-in ones ('native', 'kafka') are
 * loaded on first use, so kafkajs and the broker load only when configured.
 */
import type { Binder } from './Binder';
import { BinderyError } from '../protocol/primitives/errors';

export interface BinderFactoryContext {
  /** The name the binder was asked for. */
  name: string;
  /** Binder-specific settings from config `binders.<name>` (e.g. brokers, dataDir). */
  properties: Record<string, unknown>;
}

export type BinderFactory = (context: BinderFactoryContext) => Binder | Promise<Binder>;

export class UnknownBinderError extends BinderyError {
  constructor(name: string, known: string[]) {
    super(
      'UNKNOWN_BINDER',
      `No binder named '${name}' is registered (known: ${known.join(', ') || 'none'}). ` +
        `Set config 'binder' (or BINDERY_BINDER) to one of them, or register one with registerBinder('${name}', factory).`,
    );
  }
}

const factories = new Map<string, BinderFactory>();

/** Modules that register the built-in binders, loaded lazily by name. */
const builtInModules: Record<string, string> = { test: './test', native: './native', kafka: './kafka' };

export function registerBinder(name: string, factory: BinderFactory): void {
  factories.set(name, factory);
}

function loadBuiltIn(name: string): void {
  const modulePath = builtInModules[name];
  if (!modulePath || factories.has(name)) return;
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
  return [...factories.keys()];
}

export function hasBinder(name: string): boolean {
  loadBuiltIn(name);
  return factories.has(name);
}

export async function createBinder(name: string, properties: Record<string, unknown> = {}): Promise<Binder> {
  loadBuiltIn(name);
  const factory = factories.get(name);
  if (!factory) throw new UnknownBinderError(name, [...factories.keys()]);
  return factory({ name, properties });
}
