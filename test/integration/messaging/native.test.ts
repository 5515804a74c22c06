/** Request-reply, MessageSender and several binders in one app on the native binder. */
import { NativeBinder } from '../../../src/binder/native';
import { messagingSuite } from './messagingSuite';

messagingSuite('the native binder', async () => new NativeBinder());
