/** Errors of request-reply. Each has a stable code and says what to look at. */
import { BinderyError } from '../../protocol/primitives/errors';

/** No reply came within the request's timeout. */
export class RequestTimeoutError extends BinderyError {
  constructor(
    readonly destination: string,
    /** The request's kafka_correlationId, as hex. */
    readonly correlationId: string,
    readonly timeoutMs: number,
  ) {
    super(
      'REQUEST_TIMEOUT',
      `No reply to the request sent to '${destination}' (correlation id ${correlationId}) within ${timeoutMs} ms. ` +
        `Check that a listener consumes '${destination}' and returns a value, or raise timeoutMs (config requestReply.timeoutMs).`,
    );
  }
}

/** The replier's listener threw: its error's class name and message, as the error reply carried them. */
export class RemoteReplyError extends BinderyError {
  constructor(
    readonly destination: string,
    readonly correlationId: string,
    /** The class name of the error the replier threw. */
    readonly remoteClass: string,
    readonly remoteMessage: string,
    /** The replier's stack trace, when it sends them (config requestReply.errorStackTrace). */
    readonly remoteStack: string | undefined,
  ) {
    super('REMOTE_REPLY_ERROR', `The replier of '${destination}' failed (correlation id ${correlationId}): ${remoteClass}: ${remoteMessage}`);
  }
}
