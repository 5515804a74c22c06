import { BinderyError } from '../../../protocol/primitives/errors';

/** The outbox directory cannot be created or written: the binding would not keep its promise. */
export class OutboxDirectoryError extends BinderyError {
  constructor(
    readonly dir: string,
    override readonly cause: Error,
  ) {
    super(
      'KAFKA_OUTBOX_DIRECTORY',
      `The kafka binder's outbox directory ${dir} is not writable (${cause.message}): ` +
        `give producer.outbox.dataDir a directory this process may create and write.`,
    );
  }
}

/** The outbox was closed (its binding closed): nothing more is stored or forwarded. */
export class OutboxClosedError extends BinderyError {
  constructor(dir: string) {
    super('KAFKA_OUTBOX_CLOSED', `The outbox in ${dir} is closed: bind the producer again to send.`);
  }
}
