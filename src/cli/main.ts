import { UsageError, type CliIO } from './args';
import { brokerCommand, BROKER_USAGE } from './commands/broker';
import { consumeCommand, CONSUME_USAGE } from './commands/consume';
import { groupsCommand, GROUPS_USAGE } from './commands/groups';
import { produceCommand, PRODUCE_USAGE } from './commands/produce';
import { topicsCommand, TOPICS_USAGE } from './commands/topics';

const USAGE = ['Usage:', BROKER_USAGE, TOPICS_USAGE, PRODUCE_USAGE, CONSUME_USAGE, GROUPS_USAGE].join('\n');

const processIO: CliIO = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  stdin: process.stdin,
};

/** Entry point of the `bindery` binary; resolves with the process exit code. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'broker':
        return await brokerCommand(rest, io);
      case 'topics':
        return await topicsCommand(rest, io);
      case 'produce':
        return await produceCommand(rest, io);
      case 'consume':
        return await consumeCommand(rest, io);
      case 'groups':
        return await groupsCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`bindery: ${err.message}`);
      io.err(USAGE);
      return 2;
    }
    io.err(`bindery ${command}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
