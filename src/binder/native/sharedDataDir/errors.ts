/** Typed errors of processes sharing one data directory; each message says what to do. */
import { BinderyError } from '../../../protocol/primitives/errors';

/**
 * The process that holds a data directory answered with something other than bindery's hand-off
 * and the Kafka protocol this version speaks (another program, or another bindery version).
 */
export class SharedDataDirProtocolError extends BinderyError {
  constructor(
    readonly dataDir: string,
    readonly pid: number | null,
    detail: string,
  ) {
    super(
      'SHARED_DATA_DIR_PROTOCOL',
      `Data directory ${dataDir} is held by ${pid === null ? 'another process' : `process ${pid}`}, which ${detail}. ` +
        `Stop that process or run the same bindery version in every process sharing the directory, or give this one another dataDir.`,
    );
  }
}

/** The holder of a data directory did not say where it serves the log in time. */
export class SharedDataDirTimeoutError extends BinderyError {
  constructor(dataDir: string, pid: number | null, waitedMs: number) {
    super(
      'SHARED_DATA_DIR_TIMEOUT',
      `Data directory ${dataDir} is held by ${pid === null ? 'another process' : `process ${pid}`}, which did not start serving it within ${waitedMs} ms. ` +
        `If that process hangs, stop it; a large log takes longer to recover.`,
    );
  }
}

/** `NativeBinder.broker()` in a process that reaches the log through another process. */
export class SharedDataDirClientError extends BinderyError {
  constructor(dataDir: string, servingPid: number) {
    super(
      'SHARED_DATA_DIR_CLIENT',
      `Data directory ${dataDir} is served by process ${servingPid}; this binder is its client and has no broker of its own. ` +
        `Use the binder's bindings (or the kafka binder against that process) instead of the broker object.`,
    );
  }
}
