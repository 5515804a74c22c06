/**
 * The application's dependency container: services as singletons built from their constructor
 * parameter types (recorded by TypeScript's decorator metadata), binding interface instances
 * (Source, Sink, ...) and output channels. Services need no container-specific decorators.
 * Anything not registered here is asked of the optional parent, e.g. an inversify Container the
 * application already has (inversify 8 ships as ES modules only, so bindery resolves its own
 * services and talks to a user's inversify container through its get/isBound methods).
 */
import 'reflect-metadata';
import { InputChannel, MessageChannel, readMetadata } from '../annotations';
import { UnresolvedDependencyError } from './errors';
import type { ApplicationModel } from './model';
import type { Producers } from './producers';

/** What bindery needs of a parent container (an inversify Container fits). */
export interface ParentContainer {
  get(token: never): unknown;
  isBound(token: never): boolean;
}

/** A value under a token, for things that are not classes (config objects, interfaces). */
export interface ValueProvider {
  provide: unknown;
  useValue: unknown;
}
export type ServiceEntry = Function | ValueProvider;

export const isValueProvider = (entry: ServiceEntry): entry is ValueProvider =>
  typeof entry === 'object' && entry !== null && 'provide' in entry;

const PRIMITIVES = new Set<unknown>([String, Number, Boolean, Object, Array, Symbol, BigInt, Function, Promise, undefined]);

function construct(service: Function, container: ServiceContainer, producers: Producers): object {
  const metadata = readMetadata(service);
  const types = (Reflect.getOwnMetadata('design:paramtypes', service) as Function[] | undefined) ?? [];
  const arity = Math.max(service.length, types.length);
  const args: unknown[] = [];
  for (let i = 0; i < arity; i++) {
    const special = metadata.constructorParameters.find((p) => p.index === i);
    if (special?.kind === 'output') {
      args.push(producers.channel(special.name));
      continue;
    }
    const token = special?.kind === 'inject' ? special.token : types[i];
    if (special?.kind !== 'inject' && PRIMITIVES.has(token)) {
      throw new UnresolvedDependencyError(
        service.name,
        i,
        types.length === 0
          ? 'has no type information: decorate the class with @Injectable() so TypeScript records constructor types'
          : `is typed ${(token as Function | undefined)?.name ?? 'unknown'}, which is not injectable: use a class type or @Inject(token)`,
      );
    }
    if (!container.isBound(token)) {
      const name = typeof token === 'function' ? token.name : String(token);
      throw new UnresolvedDependencyError(service.name, i, `needs ${name}, which is not registered: add it to Bindery.create({ services: [...] })`);
    }
    args.push(container.get(token));
  }
  return Reflect.construct(service, args) as object;
}

function bindingInterfaceInstance(iface: Function, producers: Producers, destinationOf: (n: string) => string): object {
  const instance = Object.create(iface.prototype) as Record<string, unknown>;
  for (const property of readMetadata(iface).bindingProperties) {
    if (property.kind === 'output') instance[property.property] = producers.channel(property.name);
    else {
      const channel = Object.create(InputChannel.prototype) as Record<string, unknown>;
      channel.binding = property.name;
      channel.destination = destinationOf(property.name);
      instance[property.property] = channel;
    }
  }
  return instance;
}

type Entry = { kind: 'value'; value: unknown } | { kind: 'class'; service: Function; instance?: object; creating?: boolean };

/** Singletons by token; classes are built on first get(), with their dependencies. */
export class ServiceContainer {
  private readonly entries = new Map<unknown, Entry>();

  constructor(
    private readonly producers: Producers,
    private readonly parent?: ParentContainer,
  ) {}

  bindValue(token: unknown, value: unknown): void {
    this.entries.set(token, { kind: 'value', value });
  }

  bindClass(service: Function): void {
    this.entries.set(service, { kind: 'class', service });
  }

  isBound(token: unknown): boolean {
    return this.entries.has(token) || (this.parent?.isBound(token as never) ?? false);
  }

  get<T = unknown>(token: unknown): T {
    const entry = this.entries.get(token);
    if (!entry) {
      if (this.parent?.isBound(token as never)) return this.parent.get(token as never) as T;
      const name = typeof token === 'function' ? token.name : String(token);
      throw new Error(`nothing is registered for ${name}`);
    }
    if (entry.kind === 'value') return entry.value as T;
    if (entry.instance) return entry.instance as T;
    if (entry.creating) throw new Error(`${entry.service.name} depends on itself through its constructor parameters`);
    entry.creating = true;
    try {
      entry.instance = construct(entry.service, this, this.producers);
    } finally {
      entry.creating = false;
    }
    return entry.instance as T;
  }
}

export function buildContainer(options: {
  services: ServiceEntry[];
  model: ApplicationModel;
  producers: Producers;
  parent?: ParentContainer;
  values: ValueProvider[];
}): ServiceContainer {
  const { model, producers } = options;
  const container = new ServiceContainer(producers, options.parent);
  const destinationOf = (name: string): string => {
    const consumer = model.consumers.find((c) => c.name === name);
    return typeof consumer?.destination === 'string' ? consumer.destination : name;
  };
  for (const iface of model.bindingInterfaces) container.bindValue(iface, bindingInterfaceInstance(iface, producers, destinationOf));
  // A lone output binding is also injectable as plain MessageChannel.
  const outputs = [...model.producers.values()].filter((p) => model.bindings.get(p.name)?.kind === 'output');
  if (outputs.length === 1) container.bindValue(MessageChannel, producers.channel(outputs[0].name));
  for (const value of options.values) container.bindValue(value.provide, value.useValue);
  for (const entry of options.services) {
    if (isValueProvider(entry)) container.bindValue(entry.provide, entry.useValue);
    else container.bindClass(entry);
  }
  return container;
}
