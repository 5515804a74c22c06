/**
 * The listener services' own callbacks on a consumer binding: ConsumerSeekAware's
 * onPartitionsAssigned (services the explorer found implementing it) and the methods named by
 * onIdle.
 */
import type { ConsumerSeekAware, ListenerIdleEvent } from '../../annotations';
import type { ConsumerOptions } from '../../binder/Binder';
import type { Logger } from '../logger';
import type { ConsumerDefinition } from '../model';

/** `options` with the definition's ConsumerSeekAware services hearing each assignment (in service order) first. */
export function withListenerCallbacks(options: ConsumerOptions, definition: ConsumerDefinition, instanceOf: (service: Function) => object, logger: Logger): ConsumerOptions {
  const seekAware = definition.seekAware ?? [];
  const idle = definition.onIdle ?? [];
  const out = { ...options };
  if (idle.length > 0) {
    out.onIdle = (event) => {
      const heard: ListenerIdleEvent = { listenerId: definition.name, partitions: event.partitions.map((tp) => ({ topic: tp.topic, partition: tp.partition })), idleMs: event.idleMs };
      for (const { service, method } of idle) {
        const fail = (error: unknown) => logger.error({ err: error }, `${definition.name}: onIdle method ${service.name}.${method} failed`);
        try {
          const result = (instanceOf(service) as Record<string, (e: ListenerIdleEvent) => unknown>)[method](heard);
          if (result instanceof Promise) result.catch(fail);
        } catch (error) {
          fail(error);
        }
      }
    };
  }
  if (seekAware.length === 0) return out;
  const { onPartitionsAssigned } = options;
  return {
    ...out,
    onPartitionsAssigned: async (partitions, seeker) => {
      await onPartitionsAssigned?.(partitions, seeker);
      const assignment = partitions.map((tp) => ({ topic: tp.topic, partition: tp.partition }));
      for (const service of seekAware) await (instanceOf(service) as ConsumerSeekAware).onPartitionsAssigned(assignment, seeker);
    },
  };
}
