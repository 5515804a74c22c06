/**
 * The binders of one application, as Spring Cloud Stream's multi-binder support: named binder
 * configurations (`binders.<name>: { type, ...settings }`), a default one (config `binder`), and
 * a per-binding choice (`bindings.<name>.binder`). A name that is a binder type (`native`,
 * `kafka`, `test`) needs no `type`, so one default binder still needs no configuration at all.
 * Every binder a binding names is created at start-up, so a wrong name fails there.
 */
import type { Binder } from '../../binder/Binder';
import { binderNames, createBinder, hasBinder } from '../../binder/registry';
import type { Logger } from '../../logging';
import { BinderyError } from '../../protocol/primitives/errors';
import { nearestName } from '../../binder/settings';
import { DEFAULT_BINDER, type BinderyConfig } from '../config/types';

/** A binding names a binder that is neither configured (`binders.<name>`) nor a binder type. */
export class UndefinedBinderError extends BinderyError {
  constructor(where: string, name: string, defined: string[]) {
    const nearest = nearestName(name, defined);
    super(
      'UNDEFINED_BINDER',
      `${where} names binder '${name}', which is not defined (defined: ${defined.join(', ')})${nearest ? `; did you mean '${nearest}'?` : '.'} ` +
        `Define it under binders.${name} with a type (${binderNames().join(', ')}), or name one of the defined binders.`,
    );
  }
}

interface BinderChoice {
  /** The binder's name in config. */
  name: string;
  type: string;
  properties: Record<string, unknown>;
}

export class BinderSet {
  private constructor(
    readonly defaultBinder: Binder,
    private readonly byName: Map<string, Binder>,
    private readonly bindingBinder: Map<string, Binder>,
    private readonly owned: Binder[],
  ) {}

  /**
   * Creates the default binder (unless `given`) and every binder a binding names. Throws
   * UndefinedBinderError when a name is neither a `binders` entry nor a binder type.
   */
  static async open(config: BinderyConfig, logger: Logger, given?: Binder): Promise<BinderSet> {
    const configured = config.binders ?? {};
    const defined = [...new Set([...Object.keys(configured), ...binderNames()])];
    const choiceOf = (name: string, where: string): BinderChoice => {
      const entry = configured[name] as Record<string, unknown> | undefined;
      if (entry !== undefined) {
        const { type, ...properties } = entry;
        return { name, type: typeof type === 'string' ? type : name, properties };
      }
      if (hasBinder(name)) return { name, type: name, properties: {} };
      throw new UndefinedBinderError(where, name, defined);
    };
    const defaultName = config.binder ?? DEFAULT_BINDER;
    // An unknown default name is reported by the registry (UnknownBinderError), as with one binder.
    const defaultChoice = given ? undefined : configured[defaultName] !== undefined ? choiceOf(defaultName, "Config 'binder'") : { name: defaultName, type: defaultName, properties: {} };
    const wanted = new Map<string, BinderChoice>();
    for (const [binding, settings] of Object.entries(config.bindings ?? {})) {
      const name = settings.binder;
      if (name === undefined || name === defaultName || wanted.has(name)) continue;
      wanted.set(name, choiceOf(name, `Config 'bindings.${binding}.binder'`));
    }
    const owned: Binder[] = [];
    const byName = new Map<string, Binder>();
    try {
      const defaultBinder = given ?? (await createBinder(defaultChoice!.type, defaultChoice!.properties, logger));
      if (!given) owned.push(defaultBinder);
      byName.set(defaultName, defaultBinder);
      for (const choice of wanted.values()) {
        const binder = await createBinder(choice.type, choice.properties, logger);
        owned.push(binder);
        byName.set(choice.name, binder);
      }
      const bindingBinder = new Map<string, Binder>();
      for (const [binding, settings] of Object.entries(config.bindings ?? {})) {
        if (settings.binder !== undefined) bindingBinder.set(binding, byName.get(settings.binder)!);
      }
      return new BinderSet(defaultBinder, byName, bindingBinder, owned);
    } catch (error) {
      await Promise.allSettled(owned.map((b) => b.close()));
      throw error;
    }
  }

  /**
   * The same set seen through `wrap` (each binder wrapped once, so a binder keeps one identity);
   * the binders it owns, which the application closes, stay the unwrapped ones.
   */
  wrapped(wrap: (binder: Binder) => Binder): BinderSet {
    const wrappers = new Map<Binder, Binder>();
    const of = (binder: Binder): Binder => {
      let found = wrappers.get(binder);
      if (!found) wrappers.set(binder, (found = wrap(binder)));
      return found;
    };
    const mapValues = (m: Map<string, Binder>): Map<string, Binder> => new Map([...m].map(([k, b]) => [k, of(b)]));
    return new BinderSet(of(this.defaultBinder), mapValues(this.byName), mapValues(this.bindingBinder), this.owned);
  }

  /** The distinct binders that these bindings (or listener ids) use. */
  usedBy(bindings: Iterable<string>): Binder[] {
    return [...new Set([...bindings].map((b) => this.forBinding(b)))];
  }

  /** The binder of a binding (or listener id): its `binder` setting, else the default. */
  forBinding(name: string): Binder {
    return this.bindingBinder.get(name) ?? this.defaultBinder;
  }

  /** A binder by its config name. */
  named(name: string): Binder | undefined {
    return this.byName.get(name);
  }

  /** Config names of the binders this application uses. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Binders this set created (not one handed to Bindery.create), for the application to close. */
  ownedBinders(): Binder[] {
    return [...this.owned];
  }
}
