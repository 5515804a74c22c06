export * from './ConsumerProtocol';
export * from './Assignor';
export { RangeAssignor } from './RangeAssignor';
export { RoundRobinAssignor } from './RoundRobinAssignor';
export { StickyAssignor } from './StickyAssignor';
export { encodeStickyUserData, decodeStickyUserData, type StickyUserData } from './stickyUserData';
export { assignorByName } from './assignors';
