/**
 * The listener services' own callbacks on a consumer binding: ConsumerSeekAware's
 * onPartitionsAssigned (services the explorer found implementing it).
 */
import type { ConsumerSeekAware } from '../../annotations';
import type { ConsumerOptions } from '../../binder/Binder';
import type { ConsumerDefinition } from '../model';

/** `options` with the definition's ConsumerSeekAware services hearing each assignment (in service order) first. */
export function withListenerCallbacks(options: ConsumerOptions, definition: ConsumerDefinition, instanceOf: (service: Function) => object): ConsumerOptions {
  const seekAware = definition.seekAware ?? [];
  if (seekAware.length === 0) return options;
  const { onPartitionsAssigned } = options;
  return {
    ...options,
    onPartitionsAssigned: async (partitions, seeker) => {
      await onPartitionsAssigned?.(partitions, seeker);
      const assignment = partitions.map((tp) => ({ topic: tp.topic, partition: tp.partition }));
      for (const service of seekAware) await (instanceOf(service) as ConsumerSeekAware).onPartitionsAssigned(assignment, seeker);
    },
  };
}
