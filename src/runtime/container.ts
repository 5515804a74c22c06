/**
 * The application's dependency container: an inversify Container, used through inversify's public
 * API only. Service classes are bound toSelf() in singleton scope and inversify builds them from
 * their constructor parameter types (TypeScript's design:paramtypes, emitted with
 * emitDecoratorMetadata). bindery's decorators only record metadata, so when a class is registered
 * the container applies inversify's decorators to it with decorate(): @injectable() unless the
 * class already has it, and @inject(token) for parameters bindery decorated (@Inject(token),
 * @Output(name)). Binding interface instances (Sink, Source, ...), output channels and
 * { provide, useValue } entries are bound as values.
 *
 * Before inversify resolves a service, the container walks its constructor parameters itself
 * (types recorded, tokens bound, no cycles): a wiring mistake becomes an UnresolvedDependencyError
 * that names the parameter and the fix. Errors inversify still raises (from classes carrying the
 * application's own inversify decorators, or from a parent's bindings) become a
 * DependencyResolutionError.
 *
 * The parent (Bindery.create({ container })) is consulted for whatever is not registered here. An
 * inversify 7 Container becomes the inversify parent of bindery's container; any other object with
 * get/isBound (an inversify 8 container, which is ES modules only and a separate class, or a
 * hand-written registry) is reached through a bridge container whose entries ask it on each get.
 */
import 'reflect-metadata';
import { Container, decorate, inject, injectable, type ServiceIdentifier } from 'inversify';
import { InputChannel, MessageChannel, readMetadata } from '../annotations';
import { BinderyError, UnresolvedDependencyError } from './errors';
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

/** Container.get for a token nothing provides (neither bindery's services nor the parent). */
export class NotRegisteredError extends BinderyError {
  constructor(token: string) {
    super(
      'NOT_REGISTERED',
      `Nothing is registered for ${token}: add it to Bindery.create({ services: [...] }) or bind it in the container passed as Bindery.create({ container }).`,
    );
  }
}

/** inversify could not build a service (wiring that bindery does not own, e.g. the parent's bindings). */
export class DependencyResolutionError extends BinderyError {
  constructor(
    service: string,
    reason: string,
    override readonly cause: unknown,
  ) {
    super(
      'DEPENDENCY_RESOLUTION',
      `Cannot create ${service}: ${reason.trim()}\nClasses registered with bindery need no inversify decorators; ` +
        `classes bound in your own inversify container need @injectable() and @inject() on parameters typed by interfaces.`,
    );
  }
}

const PRIMITIVES = new Set<unknown>([String, Number, Boolean, Object, Array, Symbol, BigInt, Function, Promise, undefined]);

const tokenName = (token: unknown): string => (typeof token === 'function' ? token.name : String(token));

/** inversify keys must be strings, symbols or classes; any other token gets a symbol of its own. */
const otherTokens = new Map<unknown, symbol>();
function identifierOf(token: unknown): ServiceIdentifier {
  if (typeof token === 'string' || typeof token === 'symbol' || typeof token === 'function') return token;
  let id = otherTokens.get(token);
  if (!id) otherTokens.set(token, (id = Symbol(`bindery token ${String(token)}`)));
  return id;
}

/** The token an @Output(name) constructor parameter is injected by. */
const outputToken = (name: string): symbol => Symbol.for(`bindery.output:${name}`);

/** Never bound: stands in for a constructor parameter whose type cannot be injected. */
const NOT_INJECTABLE = Symbol('bindery: constructor parameter without an injectable type');

/** inversify does not export its error classes; they are recognised by their class names. */
const isInversifyError = (error: unknown): error is Error =>
  error instanceof Error && /^Inversify\w*Error$/.test(error.constructor.name);

/** How one constructor parameter is provided, as far as bindery can tell before inversify resolves it. */
type ParameterPlan =
  | { index: number; kind: 'output' }
  | { index: number; kind: 'inject'; token: unknown }
  /** By its recorded type (undefined: no type recorded). */
  | { index: number; kind: 'typed'; type: unknown }
  /** Decided by the inversify metadata the application put on the class itself. */
  | { index: number; kind: 'application' };

interface ClassPlan {
  parameters: ParameterPlan[];
  outputs: string[];
}

function injectParameter(service: Function, index: number, id: ServiceIdentifier): void {
  try {
    decorate(inject(id), service, index);
  } catch (error) {
    if (!isInversifyError(error)) throw error;
    // Only a class the application decorated with inversify itself can already have one.
    throw new UnresolvedDependencyError(service.name, index, "has both a bindery decorator (@Inject / @Output) and inversify's @inject(): keep one");
  }
}

/** Applied once per class (inversify's decorators may not be applied twice), reused by every application. */
const plans = new WeakMap<Function, ClassPlan>();

function planOf(service: Function): ClassPlan {
  const existing = plans.get(service);
  if (existing) return existing;
  const types = (Reflect.getOwnMetadata('design:paramtypes', service) as Function[] | undefined) ?? [];
  const arity = Math.max(service.length, types.length);
  const special = readMetadata(service).constructorParameters.filter((p) => p.index < arity);
  const plan: ClassPlan = { parameters: [], outputs: [] };
  let ownedByApplication = false;
  try {
    decorate(injectable(), service);
  } catch {
    // Only a second @injectable() throws here: the application decorated the class with inversify itself.
    ownedByApplication = true;
  }
  for (let index = 0; index < arity; index++) {
    const parameter = special.find((p) => p.index === index);
    if (parameter?.kind === 'output') {
      injectParameter(service, index, outputToken(parameter.name));
      plan.outputs.push(parameter.name);
      plan.parameters.push({ index, kind: 'output' });
    } else if (parameter?.kind === 'inject') {
      injectParameter(service, index, identifierOf(parameter.token));
      plan.parameters.push({ index, kind: 'inject', token: parameter.token });
    } else if (ownedByApplication) {
      plan.parameters.push({ index, kind: 'application' });
    } else {
      // inversify's @injectable() took the recorded type. One it cannot inject is reported by check()
      // before resolution; the slot still needs inversify metadata, or binding the class fails.
      if (PRIMITIVES.has(types[index])) decorate(inject(NOT_INJECTABLE), service, index);
      plan.parameters.push({ index, kind: 'typed', type: types[index] });
    }
  }
  plans.set(service, plan);
  return plan;
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

/** Singletons by token, built by inversify on first get() with their dependencies. */
export class ServiceContainer {
  private readonly container: Container;
  /** Holds entries that forward to a parent that is not an inversify 7 Container. */
  private readonly bridge: Container | undefined;
  private readonly classes = new Set<Function>();
  private readonly checked = new Set<Function>();

  constructor(
    private readonly producers: Producers,
    private readonly parent?: ParentContainer,
  ) {
    if (parent instanceof Container) {
      this.container = new Container({ parent });
    } else {
      this.bridge = parent ? new Container() : undefined;
      this.container = new Container({ parent: this.bridge });
    }
  }

  bindValue(token: unknown, value: unknown): void {
    this.replace(token).toConstantValue(value);
    if (typeof token === 'function') this.classes.delete(token);
  }

  bindClass(service: Function): void {
    const plan = planOf(service);
    this.replace(service).toSelf().inSingletonScope();
    this.classes.add(service);
    for (const name of plan.outputs) {
      const id = outputToken(name);
      if (!this.container.isCurrentBound(id)) this.container.bind(id).toDynamicValue(() => this.producers.channel(name)).inSingletonScope();
    }
  }

  isBound(token: unknown): boolean {
    return this.container.isBound(identifierOf(token)) || this.bridged(token);
  }

  get<T = unknown>(token: unknown): T {
    if (!this.isBound(token)) throw new NotRegisteredError(tokenName(token));
    if (typeof token === 'function' && this.classes.has(token)) this.check(token, []);
    try {
      return this.container.get<T>(identifierOf(token));
    } catch (error) {
      if (!isInversifyError(error)) throw error;
      throw new DependencyResolutionError(tokenName(token), error.message.split('\n\n')[0], error);
    }
  }

  private replace(token: unknown): ReturnType<Container['bind']> {
    const id = identifierOf(token);
    if (this.container.isCurrentBound(id)) this.container.unbindSync(id);
    return this.container.bind(id);
  }

  /** True when the non-inversify parent has the token; it is then bound in the bridge to forward there. */
  private bridged(token: unknown): boolean {
    if (!this.bridge || !this.parent?.isBound(token as never)) return false;
    const id = identifierOf(token);
    if (!this.bridge.isCurrentBound(id)) {
      const parent = this.parent;
      this.bridge.bind(id).toDynamicValue(() => parent.get(token as never));
    }
    return true;
  }

  /** Walks the constructor parameters in the order inversify resolves them, so the first mistake is reported. */
  private check(service: Function, path: Function[]): void {
    if (this.checked.has(service)) return;
    const plan = planOf(service);
    const chain = [...path, service];
    for (const parameter of plan.parameters) {
      if (parameter.kind === 'output' || parameter.kind === 'application') continue;
      const { index } = parameter;
      const token = parameter.kind === 'inject' ? parameter.token : parameter.type;
      if (parameter.kind === 'typed' && PRIMITIVES.has(token)) {
        throw new UnresolvedDependencyError(
          service.name,
          index,
          Reflect.getOwnMetadata('design:paramtypes', service) === undefined
            ? 'has no type information: decorate the class with @Injectable() so TypeScript records constructor types'
            : `is typed ${typeof token === 'function' ? token.name : 'unknown'}, which is not injectable: use a class type or @Inject(token)`,
        );
      }
      if (!this.isBound(token)) {
        throw new UnresolvedDependencyError(service.name, index, `needs ${tokenName(token)}, which is not registered: add it to Bindery.create({ services: [...] })`);
      }
      if (typeof token !== 'function' || !this.classes.has(token)) continue;
      if (chain.includes(token)) {
        const cycle = [...chain.slice(chain.indexOf(token)), token].map((c) => c.name).join(' → ');
        throw new UnresolvedDependencyError(
          service.name,
          index,
          `needs ${token.name}, which needs ${service.name} in turn (${cycle}): constructors cannot depend on each other in a circle; move what they share into a service of its own`,
        );
      }
      this.check(token, chain);
    }
    this.checked.add(service);
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
