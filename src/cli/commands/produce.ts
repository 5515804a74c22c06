import { createInterface } from 'node:readline';
import { CliClient, type CliCompression } from '../CliClient';
import { CLIENT_OPTIONS, UsageError, clientOptions, intOpt, parseOptions, requiredOpt, stringOpt, type CliIO } from '../args';

const SPEC = {
  ...CLIENT_OPTIONS,
  topic: { type: 'string' },
  message: { type: 'string', multiple: true },
  key: { type: 'string' },
  'key-separator': { type: 'string' },
  partition: { type: 'string' },
  compression: { type: 'string' },
  acks: { type: 'string' },
  header: { type: 'string', multiple: true },
} as const;

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export async function produceCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, SPEC);
  const topic = requiredOpt(values, 'topic');
  const compression = stringOpt(values, 'compression') ?? 'none';
  if (!CODECS.includes(compression)) throw new UsageError(`--compression must be one of ${CODECS.join(', ')}`);
  const separator = stringOpt(values, 'key-separator');
  const fixedKey = stringOpt(values, 'key') ?? null;
  const partition = stringOpt(values, 'partition') === undefined ? undefined : intOpt(values, 'partition', 0);
  const headers: Record<string, string> = {};
  for (const h of (values.header as string[] | undefined) ?? []) {
    const eq = h.indexOf('=');
    if (eq <= 0) throw new UsageError(`--header expects k=v, got '${h}'`);
    headers[h.slice(0, eq)] = h.slice(eq + 1);
  }
  let lines = (values.message as string[] | undefined) ?? [];
  if (lines.length === 0) lines = await readLines(io.stdin);
  const messages = lines.map((line) => {
    if (separator !== undefined) {
      const at = line.indexOf(separator);
      if (at >= 0) return { key: line.slice(0, at), value: line.slice(at + separator.length), headers, partition };
    }
    return { key: fixedKey, value: line, headers, partition };
  });
  if (messages.length === 0) {
    io.err('nothing to produce: pass --message or pipe lines on standard input');
    return 1;
  }
  const client = new CliClient({ ...clientOptions(values), clientId: 'bindery-produce' });
  try {
    const acks = intOpt(values, 'acks', -1);
    const results = await client.produce(topic, messages, { compression: compression as CliCompression, acks });
    io.out(`Produced ${messages.length} message(s) to ${topic}${results.length ? ': ' + results.map((r) => `partition ${r.partition} @ ${r.baseOffset}`).join(', ') : ''}`);
    return 0;
  } finally {
    await client.close();
  }
}

async function readLines(input: NodeJS.ReadableStream): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input, crlfDelay: Infinity })) if (line.length > 0) lines.push(line);
  return lines;
}
