/** Base of every typed bindery error: a stable `code` plus a message that says what to do. */
export class BinderyError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bytes that do not follow the Kafka wire grammar (truncated, forged length, bad varint). */
export class ProtocolDecodeError extends BinderyError {
  constructor(message: string) {
    super('PROTOCOL_DECODE', message);
  }
}
