/**
 * The application's sending side, wired once per application: the Producers (one pool of
 * producer bindings over every binder), the MessageSender and the Requester.
 */
import type { Binder } from '../../binder/Binder';
import { mergeConfig } from '../config/load';
import { DEFAULT_CONTENT_TYPE, DEFAULT_REQUEST_REPLY, type BinderyConfig } from '../config/types';
import type { ConverterRegistry } from '../conversion';
import type { Logger } from '../logger';
import type { ApplicationModel } from '../model';
import type { FrameworkMetrics } from '../observability/FrameworkMetrics';
import { Producers, type ProducerTarget } from '../producers';
import type { BinderSet } from './BinderSet';
import { MessageSender } from './MessageSender';
import { Requester } from './Requester';

export interface Messaging {
  producers: Producers;
  sender: MessageSender;
  requester: Requester;
  /** The injectable values: MessageSender and Requester. */
  values: Array<{ provide: unknown; useValue: unknown }>;
}

/** A name no output binding has but `bindings.<name>` configures: its destination, content type, producer settings and binder. */
function configuredTarget(config: BinderyConfig, name: string, defaultContentType: string, binders: BinderSet): (Omit<ProducerTarget, 'binder'> & { binder?: Binder }) | undefined {
  const binding = config.bindings?.[name];
  if (binding === undefined) return undefined;
  return {
    destination: binding.destination ?? name,
    contentType: binding.contentType ?? defaultContentType,
    producer: mergeConfig(config.default?.producer, binding.producer),
    binder: binding.binder === undefined ? undefined : binders.forBinding(name),
  };
}

export function wireMessaging(options: {
  config: BinderyConfig;
  model: ApplicationModel;
  binders: BinderSet;
  converters: ConverterRegistry;
  metrics: FrameworkMetrics | undefined;
  logger: Logger;
  /** Whether the application still accepts sends (not closing or closed). */
  isOpen: () => boolean;
}): Messaging {
  const { config, binders, converters, metrics, logger } = options;
  const defaultContentType = config.default?.contentType ?? DEFAULT_CONTENT_TYPE;
  const requestReply = { ...DEFAULT_REQUEST_REPLY, ...config.requestReply };
  const producers = new Producers(binders.defaultBinder, {
    definitions: options.model.producers,
    converters,
    defaultContentType,
    observer: metrics?.producer(),
    binderOf: (name) => binders.forBinding(name),
    configuredTarget: (name) => configuredTarget(config, name, defaultContentType, binders),
    defaultProducer: config.default?.producer ?? {},
    errorStackTrace: requestReply.errorStackTrace,
  });
  const sender = new MessageSender(producers, options.isOpen);
  const requester = new Requester({ producers, converters, defaultContentType, settings: requestReply, logger, dropped: metrics?.droppedReply() });
  return {
    producers,
    sender,
    requester,
    values: [
      { provide: MessageSender, useValue: sender },
      { provide: Requester, useValue: requester },
    ],
  };
}
