/**
 * The crash test of transactions: a transactional listener in a child process (compiled JS from
 * dist/) copies 10,000 keyed records from an input to an output topic and is SIGKILLed five times
 * mid-stream, then runs to the end. A read_committed reader of the output must see each input
 * exactly once, in per-key order. Run on the native binder (the child reopens a data directory
 * every cycle) by crash.test.ts, and on the kafka binder against Apache Kafka by
 * test/kafka/transactionsCrash.kafka.test.ts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Bindery, silentLogger } from '../../../src';
import type { Binder, InboundRecord } from '../../../src/binder/Binder';
import type { TransactionalCopierSettings } from '../../support/delivery-children/transactional-copier';
import { eventually, exited } from '../delivery/deliverySupport';

const CHILD = path.resolve(__dirname, '../../../dist/test/support/delivery-children/transactional-copier.js');
const MESSAGES = 10000;
const KEYS = 100;
const PARTITIONS = 4;
const KILLS = 5;
/** Records a child copies before it is killed (5 × 1500 leaves the rest for the last run). */
const COPIED_BEFORE_KILL = 1500;
const CYCLE_DEADLINE_MS = 120000;

export interface TransactionalCrashTarget {
  /** How the broker outlives the killed copier (shown in the test name). */
  design: string;
  /** The binder settings of the producer, the child and the reader; `cleanup` runs after the test. */
  prepare(): { binder: TransactionalCopierSettings['binder']; binders: TransactionalCopierSettings['binders']; cleanup(): void };
  /** A binder on those settings, for the reader (made after the last child stopped). */
  readerBinder(binders: TransactionalCopierSettings['binders']): Binder;
}

export function transactionalCrashScenario(target: TransactionalCrashTarget): void {
  const children: ChildProcess[] = [];
  const setup = target.prepare();

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    setup.cleanup();
  });

  it(`SIGKILL of a transactional copier ${KILLS} times over ${MESSAGES} keyed records: a read_committed reader sees each input exactly once, in per-key order (${target.design})`, async () => {
    if (!fs.existsSync(CHILD)) throw new Error(`${CHILD} is missing: build with \`npx tsc -p .\` first (npm test does)`);
    const id = randomUUID().slice(0, 8);
    const settings: TransactionalCopierSettings = {
      binder: setup.binder,
      binders: setup.binders,
      input: `txn-crash.in.${id}`,
      output: `txn-crash.out.${id}`,
      group: `txn-crash.copier.${id}`,
      partitions: PARTITIONS,
      // A member per partition: partitions also move between live members of one child.
      concurrency: PARTITIONS,
      transactionIdPrefix: 'copier-',
      sessionTimeoutMs: 6000,
      transactionTimeoutMs: 10000,
    };
    await produce(settings);
    for (let cycle = 0; cycle <= KILLS; cycle++) {
      const child = fork(CHILD, [], { env: { ...process.env, BINDERY_TEST_TXN_CHILD: JSON.stringify(settings) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(child);
      let copied = 0;
      let caughtUp = false;
      let failed: string | undefined;
      let checkError: string | undefined;
      child.on('message', (m: { copied?: number; caughtUp?: boolean; ready?: boolean; checkError?: string }) => {
        copied = m.copied ?? copied;
        checkError = m.checkError ?? checkError;
        caughtUp ||= m.caughtUp === true;
        if (m.ready && cycle === KILLS) child.send({ watch: true });
      });
      child.once('exit', (code, signal) => (failed = signal === 'SIGKILL' || signal === 'SIGTERM' ? undefined : `child exited with ${code ?? signal}`));
      if (cycle < KILLS) {
        await eventually(() => copied >= COPIED_BEFORE_KILL || failed !== undefined, `child ${cycle} copying ${COPIED_BEFORE_KILL} records`, CYCLE_DEADLINE_MS);
        if (failed) throw new Error(failed);
        child.kill('SIGKILL');
      } else {
        const what = (): string => `the copier committing the end of the input${checkError ? ` (its last check failed: ${checkError})` : ''}`;
        await eventually(() => caughtUp || failed !== undefined, what, 2 * CYCLE_DEADLINE_MS);
        if (failed) throw new Error(failed);
        child.kill('SIGTERM');
      }
      await exited(child);
    }
    const seen = await readCommitted(settings, target.readerBinder(setup.binders));
    const byKey = new Map<string, number[]>();
    for (const m of seen) byKey.set(m.key, [...(byKey.get(m.key) ?? []), m.seq]);
    for (let k = 0; k < KEYS; k++) {
      const expected = Array.from({ length: MESSAGES / KEYS }, (_, i) => i * KEYS + k);
      expect(byKey.get(`key-${k}`)).toEqual(expected);
    }
    expect(seen).toHaveLength(MESSAGES);
  }, 12 * CYCLE_DEADLINE_MS);
}

async function produce(settings: TransactionalCopierSettings): Promise<void> {
  const app = await Bindery.create({
    services: [],
    config: { binder: settings.binder, binders: settings.binders },
    configFile: false,
    env: {},
    logger: silentLogger,
    shutdownOnSignals: false,
  });
  try {
    await app.binder.provisionTopic(settings.input, settings.partitions);
    await app.binder.provisionTopic(settings.output, settings.partitions);
    for (let start = 0; start < MESSAGES; start += 1000) {
      const sends: Promise<unknown>[] = [];
      for (let seq = start; seq < start + 1000; seq++) {
        const key = `key-${seq % KEYS}`;
        sends.push(app.send(settings.input, { key, seq }, { key }));
      }
      await Promise.all(sends);
    }
  } finally {
    await app.close();
  }
}

/**
 * The output as a read_committed consumer sees it: a sentinel written to each partition after the
 * copier stopped marks the end, so everything committed before it has been read.
 */
async function readCommitted(settings: TransactionalCopierSettings, binder: Binder): Promise<{ key: string; seq: number }[]> {
  try {
    const sentinels = await binder.bindProducer(settings.output);
    for (let p = 0; p < settings.partitions; p++) await sentinels.send({ value: Buffer.from('"end"'), partition: p });
    await sentinels.close();
    const records: InboundRecord[] = [];
    const ended = new Set<number>();
    const reader = await binder.bindConsumer(settings.output, { group: `verify-${randomUUID()}`, startOffset: 'earliest', isolationLevel: 'read_committed' }, async (batch, session) => {
      for (const r of batch.records) {
        if (r.value?.toString() === '"end"') ended.add(r.partition);
        else records.push(r);
      }
      const last = batch.records[batch.records.length - 1];
      await session.commit([{ topic: batch.topic, partition: batch.partition, offset: last.offset + 1 }]);
    });
    await eventually(() => ended.size === settings.partitions, 'the sentinel of every output partition', CYCLE_DEADLINE_MS);
    await reader.stop();
    return records.map((r) => JSON.parse(r.value!.toString()) as { key: string; seq: number });
  } finally {
    await binder.close();
  }
}
