/**
 * Config for a binding no service of this app declares. Several services often share one
 * environment (one ConfigMap, one config file), so by default it is a warning naming the nearest
 * declared binding; `strictBindings: true` makes it a start-up error.
 */
import { nearestName } from '../../binder/settings';
import { UnknownBindingError } from '../errors';
import type { Logger } from '../logger';
import type { ApplicationModel } from '../model';
import type { BinderyConfig } from './types';

export function checkUndeclaredBindings(model: ApplicationModel, config: BinderyConfig, sources: Record<string, string>, logger: Logger): void {
  const declared = [...new Set([...model.bindings.keys(), ...model.consumers.map((c) => c.name), ...model.producers.keys()])];
  for (const name of Object.keys(config.bindings ?? {})) {
    if (declared.includes(name)) continue;
    if (config.strictBindings === true) throw new UnknownBindingError(name, declared);
    const nearest = nearestName(name, declared);
    logger.warn(
      `Config 'bindings.${name}' (from ${sources[name] ?? 'config'}) names a binding no service of this app declares ` +
        `(declared: ${declared.join(', ') || 'none'})${nearest ? `; did you mean '${nearest}'?` : ''}. ` +
        'Only a MessageSender or Requester sending by that name uses it; set strictBindings: true to make this an error.',
    );
  }
}
