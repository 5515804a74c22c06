/** Errors of the management and metrics servers. */
import { BinderyError } from '../protocol/primitives/errors';

export class ManagementPortInUseError extends BinderyError {
  constructor(host: string, port: number, setting = 'config management.port (BINDERY_MANAGEMENT_PORT)') {
    super(
      'MANAGEMENT_PORT_IN_USE',
      `Cannot listen on ${host}:${port}: the port is in use. Set ${setting} to a free port, or 0 for any free port.`,
    );
  }
}
