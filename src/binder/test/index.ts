import { registerBinder } from '../registry';
import { TestBinder } from './TestBinder';

export { TestBinder, type TestBinderOptions } from './TestBinder';
export { TestBroker } from './TestBroker';
export { TestBinderClosedError } from './errors';
export { InputDestination, OutputDestination, OutputMessage, type InputSendOptions, type HasBinder } from './destinations';

registerBinder('test', ({ properties, logger }) => new TestBinder({ defaultPartitions: Number(properties.defaultPartitions ?? 1), logger }));
