import { BinderyError } from '../protocol/primitives/errors';
import { LOG_LEVELS } from './Logger';

/** BINDERY_LOG_LEVEL holds something that is not a level. */
export class LogLevelError extends BinderyError {
  constructor(variable: string, value: string) {
    super('INVALID_LOG_LEVEL', `${variable}='${value}' is not a log level; set it to one of ${LOG_LEVELS.join(', ')} (or leave it unset for info).`);
  }
}
