import { CliClient } from '../CliClient';
import { CLIENT_OPTIONS, UsageError, clientOptions, parseOptions, stringOpt, type CliIO } from '../args';
import { GROUPS_USAGE } from '../usage';

const SPEC = { ...CLIENT_OPTIONS, group: { type: 'string' } } as const;

export async function groupsCommand(argv: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = argv;
  const { values } = parseOptions(rest, SPEC);
  const client = new CliClient({ ...clientOptions(values), clientId: 'bindery-groups' });
  try {
    switch (action) {
      case 'list':
        for (const g of await client.listGroups()) io.out(g.groupId);
        return 0;
      case 'describe': {
        const one = stringOpt(values, 'group');
        const ids = one ? [one] : (await client.listGroups()).map((g) => g.groupId);
        for (const g of await client.describeGroups(ids)) {
          io.out(`GROUP ${g.groupId} state=${g.state} protocol=${g.protocol} members=${g.members.length}`);
          io.out(['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID'].join('\t'));
          for (const o of g.offsets) io.out([o.topic, o.partition, o.committed, o.latest, o.lag, o.memberId ?? '-'].join('\t'));
        }
        return 0;
      }
      default:
        throw new UsageError(`unknown groups action '${action ?? ''}'\n${GROUPS_USAGE}`);
    }
  } finally {
    await client.close();
  }
}
