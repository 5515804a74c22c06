import type { AssignorName, PartitionAssignor } from './Assignor';
import { RangeAssignor } from './RangeAssignor';
import { RoundRobinAssignor } from './RoundRobinAssignor';
import { StickyAssignor } from './StickyAssignor';

/** The assignor Kafka clients advertise under `name` in JoinGroup; undefined for an unknown name. */
export function assignorByName(name: string): PartitionAssignor | undefined {
  const all: Record<AssignorName, () => PartitionAssignor> = {
    range: () => new RangeAssignor(),
    roundrobin: () => new RoundRobinAssignor(),
    sticky: () => new StickyAssignor(),
  };
  return Object.prototype.hasOwnProperty.call(all, name) ? all[name as AssignorName]() : undefined;
}
