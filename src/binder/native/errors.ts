/** Typed errors of the native binder; each message says what to do about it. */
import { BinderyError } from '../../protocol/primitives/errors';
import { errorName } from '../../protocol/errorCodes';

/** The broker refused a request; `errorCode` is the Kafka error code it answered with. */
export class NativeBrokerError extends BinderyError {
  constructor(
    what: string,
    readonly errorCode: number,
    detail: string | null,
  ) {
    super('NATIVE_BROKER', `${what} failed: ${errorName(errorCode)} (${errorCode})${detail ? `: ${detail}` : ''}`);
  }
}

export class NativeBinderClosedError extends BinderyError {
  constructor(what = 'The native binder') {
    super('NATIVE_BINDER_CLOSED', `${what} was closed: create a new one to bind or send again.`);
  }
}

/** A binder property that cannot be used (wrong type or range). */
export class NativeBinderConfigError extends BinderyError {
  constructor(message: string) {
    super('NATIVE_BINDER_CONFIG', `${message} (config binders.native)`);
  }
}
