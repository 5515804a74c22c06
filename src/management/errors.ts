/** Errors of the management server. */
import { BinderyError } from '../protocol/primitives/errors';

export class ManagementPortInUseError extends BinderyError {
  constructor(host: string, port: number) {
    super(
      'MANAGEMENT_PORT_IN_USE',
      `The management server cannot listen on ${host}:${port}: the port is in use. ` +
        `Set config management.port (BINDERY_MANAGEMENT_PORT) to a free port, or 0 for any free port.`,
    );
  }
}
