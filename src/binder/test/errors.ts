/** Typed errors of the test binder. */
import { BinderyError } from '../../protocol/primitives/errors';

export class TestBinderClosedError extends BinderyError {
  constructor() {
    super('TEST_BINDER_CLOSED', 'The test binder was closed: create a new one to bind again.');
  }
}
