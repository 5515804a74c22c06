/** Request-reply, MessageSender and several binders in one app on the test binder. */
import { TestBinder } from '../../../src';
import { messagingSuite } from './messagingSuite';

messagingSuite('the test binder', async () => new TestBinder());
