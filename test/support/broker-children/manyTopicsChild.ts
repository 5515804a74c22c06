/**
 * Many-topics child: opens a `Broker` on a data directory and either auto-creates `<count>`
 * topics by producing one record to each (`create`), or reads that record back from every topic
 * (`serve`), then closes the broker. It prints one result line and one stats line:
 *
 *   result <mode> <ok> <failed> <firstError|->
 *   stats <openMs> <workMs> <closeMs> <peakRssBytes> <peakFds> <fdLimit>
 *
 *   node dist/test/support/broker-children/manyTopicsChild.js <dataDir> <count> <create|serve>
 */
import * as fs from 'node:fs';
import { Broker } from '../../../src/broker/Broker';
import { recordSetBuffer } from '../../../src/protocol/messages/schemaTypes';
import { decodeRecords, makeBatch } from '../log-children/batches';

export const topicName = (i: number): string => `many-${i}`;
export const recordValue = (i: number): string => `value-of-${i}`;

/** Open descriptors of this process (Linux; -1 elsewhere). */
function openFds(): number {
  try {
    return fs.readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

function fdLimit(): string {
  try {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    return line?.split(/\s+/)[3] ?? '?';
  } catch {
    return '?';
  }
}

async function main(): Promise<void> {
  const [dataDir, countArg, mode] = process.argv.slice(2);
  const count = Number(countArg);
  let peakFds = openFds();
  const sample = () => (peakFds = Math.max(peakFds, openFds()));
  const t0 = Date.now();
  const broker = await Broker.open({ dataDir });
  const t1 = Date.now();
  sample();
  let ok = 0;
  let failed = 0;
  let firstError = '-';
  const fail = (what: string) => {
    failed++;
    if (firstError === '-') firstError = what.replace(/\s+/g, '_');
  };
  for (let i = 0; i < count; i++) {
    try {
      if (mode === 'create') {
        const res = await broker.produce({ acks: -1, topics: [{ name: topicName(i), partitions: [{ index: 0, records: await makeBatch([{ value: recordValue(i) }]) }] }] });
        const p = res.responses[0].partitionResponses[0];
        if (p.errorCode === 0) ok++;
        else fail(`${topicName(i)}:error${p.errorCode}:${p.errorMessage ?? ''}`);
      } else {
        const res = await broker.fetch({ maxWaitMs: 0, minBytes: 1, topics: [{ topic: topicName(i), partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 16 }] }] });
        const p = res.responses[0].partitions[0];
        const records = p.errorCode === 0 && p.records ? await decodeRecords(recordSetBuffer(p.records)) : [];
        if (records.length === 1 && records[0].value?.toString() === recordValue(i)) ok++;
        else fail(`${topicName(i)}:error${p.errorCode}:records${records.length}`);
      }
    } catch (err) {
      fail(`${topicName(i)}:${(err as Error).message}`);
    }
    if (i % 100 === 0) sample();
  }
  const t2 = Date.now();
  sample();
  try {
    await broker.close();
  } catch (err) {
    fail(`close:${(err as Error).message}`);
  }
  const t3 = Date.now();
  process.stdout.write(`result ${mode} ${ok} ${failed} ${firstError}\n`);
  process.stdout.write(`stats ${t1 - t0} ${t2 - t1} ${t3 - t2} ${process.resourceUsage().maxRSS * 1024} ${peakFds} ${fdLimit()}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
