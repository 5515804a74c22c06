import { HelpRequested, UsageError, type CliIO } from './args';
import { BROKER_USAGE, CONSUME_USAGE, GROUPS_USAGE, PRODUCE_USAGE, TOPICS_USAGE, VERIFY_DATA_DIR_USAGE } from './usage';
import type * as BrokerCommand from './commands/broker';
import type * as ConsumeCommand from './commands/consume';
import type * as GroupsCommand from './commands/groups';
import type * as ProduceCommand from './commands/produce';
import type * as TopicsCommand from './commands/topics';
import type * as VerifyDataDirCommand from './commands/verifyDataDir';

/**
 * A command's module, loaded when the command runs. A plain require: with module 'node16' an
 * `import()` would stay a native dynamic import and go through the ESM loader.
 */
function load<T>(id: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id) as T;
}

const USAGE = ['Usage:', BROKER_USAGE, VERIFY_DATA_DIR_USAGE, TOPICS_USAGE, PRODUCE_USAGE, CONSUME_USAGE, GROUPS_USAGE, '(every command takes --help / -h)'].join('\n');

const COMMAND_USAGE: Record<string, string> = {
  broker: BROKER_USAGE,
  'verify-data-dir': VERIFY_DATA_DIR_USAGE,
  topics: TOPICS_USAGE,
  produce: PRODUCE_USAGE,
  consume: CONSUME_USAGE,
  groups: GROUPS_USAGE,
};

const usageOf = (command: string | undefined): string =>
  command !== undefined && command in COMMAND_USAGE ? `Usage:\n${COMMAND_USAGE[command]}` : USAGE;

const processIO: CliIO = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  stdin: process.stdin,
};

/**
 * Entry point of the `bindery` binary; resolves with the process exit code. Each command's module
 * is loaded only when it runs: `broker` never loads the Kafka client, the client commands never the broker.
 */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [command, ...rest] = argv;
  // `bindery topics --help`: the help flag where a command's action would be.
  if (command !== undefined && command in COMMAND_USAGE && (rest[0] === '--help' || rest[0] === '-h')) {
    io.out(usageOf(command));
    return 0;
  }
  try {
    switch (command) {
      case 'broker':
        return await load<typeof BrokerCommand>('./commands/broker').brokerCommand(rest, io);
      case 'topics':
        return await load<typeof TopicsCommand>('./commands/topics').topicsCommand(rest, io);
      case 'produce':
        return await load<typeof ProduceCommand>('./commands/produce').produceCommand(rest, io);
      case 'consume':
        return await load<typeof ConsumeCommand>('./commands/consume').consumeCommand(rest, io);
      case 'verify-data-dir':
        return await load<typeof VerifyDataDirCommand>('./commands/verifyDataDir').verifyDataDirCommand(rest, io);
      case 'groups':
        return await load<typeof GroupsCommand>('./commands/groups').groupsCommand(rest, io);
      case 'help':
        io.out(usageOf(rest[0]));
        return 0;
      case undefined:
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (err) {
    if (err instanceof HelpRequested) {
      io.out(usageOf(command));
      return 0;
    }
    if (err instanceof UsageError) {
      io.err(`bindery: ${err.message}`);
      io.err(USAGE);
      return 2;
    }
    io.err(`bindery ${command}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
