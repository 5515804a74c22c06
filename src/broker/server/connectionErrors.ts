import { BinderyError } from '../../protocol/primitives';

/** The connection sent nothing and took none of its responses for connections.max.idle.ms. */
export class ConnectionIdleError extends BinderyError {
  constructor(idleMs: number) {
    super(
      'CONNECTION_IDLE',
      `closed after ${idleMs} ms without sending a request or reading a response (connections.max.idle.ms); ` +
        'clients reconnect when they next need the broker, and one that stops reading its responses is closed this way too',
    );
  }
}

/** A request frame was still incomplete this long after its first byte arrived. */
export class RequestFrameTimeoutError extends BinderyError {
  constructor(timeoutMs: number, received: number) {
    super('REQUEST_FRAME_TIMEOUT', `request frame incomplete ${timeoutMs} ms after its first byte (${received} bytes received; request.frame.timeout.ms): send each request whole`);
  }
}
