import { CliClient } from '../CliClient';
import { CLIENT_OPTIONS, UsageError, clientOptions, intOpt, keyValues, parseOptions, requiredOpt, stringOpt, type CliIO } from '../args';
import { TOPICS_USAGE } from '../usage';

const SPEC = {
  ...CLIENT_OPTIONS,
  topic: { type: 'string' },
  partitions: { type: 'string' },
  'replication-factor': { type: 'string' },
  config: { type: 'string', multiple: true },
} as const;

export async function topicsCommand(argv: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = argv;
  const { values } = parseOptions(rest, SPEC);
  const client = new CliClient({ ...clientOptions(values), clientId: 'bindery-topics' });
  try {
    switch (action) {
      case 'create': {
        const topic = requiredOpt(values, 'topic');
        const created = await client.createTopic(topic, intOpt(values, 'partitions', 1), intOpt(values, 'replication-factor', 1), keyValues(values, 'config'));
        io.out(created ? `Created topic ${topic}.` : `Topic ${topic} already exists.`);
        return created ? 0 : 1;
      }
      case 'list':
        for (const t of await client.listTopics()) io.out(t);
        return 0;
      case 'describe': {
        const one = stringOpt(values, 'topic');
        const names = one ? [one] : (await client.listTopics()).filter((t) => !t.startsWith('__'));
        for (const t of await client.describeTopics(names)) {
          const configs = Object.entries(t.configs).map(([k, v]) => `${k}=${v}`).join(',');
          io.out(`Topic: ${t.name}\tPartitionCount: ${t.partitions.length}\tConfigs: ${configs}`);
          for (const p of t.partitions) {
            io.out(`\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}\tOffsets: ${p.earliest}..${p.latest}`);
          }
        }
        return 0;
      }
      case 'delete': {
        const topic = requiredOpt(values, 'topic');
        await client.deleteTopics([topic]);
        io.out(`Deleted topic ${topic}.`);
        return 0;
      }
      default:
        throw new UsageError(`unknown topics action '${action ?? ''}'\n${TOPICS_USAGE}`);
    }
  } finally {
    await client.close();
  }
}
