/**
 * Kill-test child of the kafka binder's outbox: binds a producer with an outbox, sends `count`
 * keyed records, prints `sent <stored> <delivered>` once every send resolved, then `depth <n>`
 * whenever the outbox depth changes, and `drained` (then exits) once it is empty.
 *
 *   node dist/test/support/outbox-children/sender.js <brokers> <dataDir> <topic> <count> <valueBytes> <keys>
 */
import { createKafkaBinder } from '../../../src/binder/kafka';
import type { KafkaProducerBinding } from '../../../src/binder/kafka/KafkaProducerBinding';

async function main(): Promise<void> {
  const [brokers, dataDir, topic, countArg, valueBytesArg, keysArg] = process.argv.slice(2);
  const count = Number(countArg);
  const keys = Number(keysArg);
  const binder = createKafkaBinder({
    brokers,
    logLevel: 'nothing',
    connectionTimeoutMs: 1000,
    requestTimeoutMs: 10000,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  const binding = (await binder.bindProducer(topic, { partitionCount: 3, outbox: { dataDir } })) as KafkaProducerBinding;
  if (count > 0) {
    const results = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        binding.send({ key: Buffer.from(`key-${i % keys}`), value: Buffer.from(`${i % keys}:${i}:`.padEnd(Number(valueBytesArg), 'x')) }),
      ),
    );
    const stored = results.filter((r) => r.outcome === 'stored').length;
    process.stdout.write(`sent ${stored} ${results.length - stored}\n`);
  }
  let last = -1;
  const report = setInterval(() => {
    const depth = binding.outboxStatus?.depth ?? 0;
    if (depth !== last) process.stdout.write(`depth ${depth}\n`);
    last = depth;
  }, 5);
  await binding.outboxDrained();
  clearInterval(report);
  process.stdout.write('drained\n');
  await binder.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
