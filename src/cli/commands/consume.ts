import { CliClient } from '../CliClient';
import { CLIENT_OPTIONS, clientOptions, intOpt, parseOptions, requiredOpt, stringOpt, type CliIO } from '../args';

const SPEC = {
  ...CLIENT_OPTIONS,
  topic: { type: 'string' },
  group: { type: 'string' },
  'from-beginning': { type: 'boolean' },
  'max-messages': { type: 'string' },
  'timeout-ms': { type: 'string' },
  'print-key': { type: 'boolean' },
  'print-offset': { type: 'boolean' },
  'print-headers': { type: 'boolean' },
  'key-separator': { type: 'string' },
} as const;

export async function consumeCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, SPEC);
  const topic = requiredOpt(values, 'topic');
  const sep = stringOpt(values, 'key-separator') ?? '\t';
  const printKey = values['print-key'] === true;
  const printOffset = values['print-offset'] === true;
  const printHeaders = values['print-headers'] === true;
  const client = new CliClient({ ...clientOptions(values), clientId: 'bindery-consume' });
  try {
    const count = await client.consume(topic, {
      groupId: stringOpt(values, 'group'),
      fromBeginning: values['from-beginning'] === true,
      maxMessages: stringOpt(values, 'max-messages') === undefined ? undefined : intOpt(values, 'max-messages', 0),
      idleMs: intOpt(values, 'timeout-ms', 10000),
      onMessage: (m) => {
        const parts: string[] = [];
        if (printOffset) parts.push(`${m.partition}:${m.offset}`);
        if (printHeaders) parts.push(formatHeaders(m.headers));
        if (printKey) parts.push(m.key === null ? 'null' : m.key.toString());
        parts.push(m.value === null ? 'null' : m.value.toString());
        io.out(parts.join(sep));
      },
    });
    io.err(`Processed a total of ${count} messages`);
    return 0;
  } finally {
    await client.close();
  }
}

/** As Kafka's console consumer prints them (print.headers): `k:v,k2:v2`, or NO_HEADERS. */
function formatHeaders(headers: Record<string, string>): string {
  const entries = Object.entries(headers);
  return entries.length === 0 ? 'NO_HEADERS' : entries.map(([k, v]) => `${k}:${v}`).join(',');
}
