/**
 * The crash test of the delivery suite: a consumer child (compiled JS from dist/) with manual
 * acks and the Redis idempotency store is SIGKILLed mid-stream, five times over 10,000 keyed
 * messages, then runs to the end. Every message's effect must exist exactly once, in per-key order.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Redis from 'ioredis';
import { Bindery, silentLogger, type BinderyConfig } from '../../../src';
import { describeIfPeer } from '../../support/peers';
import type { CrashChildSettings } from '../../support/delivery-children/consumer';
import { eventually, exited, uniqueName } from './deliverySupport';

export interface CrashTarget {
  /** How the broker outlives the killed consumer (shown in the test name). */
  design: string;
  /** Binder settings shared by the test's producer and the child; `cleanup` runs after the test. */
  prepare(): Promise<{ binder: string; binders: NonNullable<BinderyConfig['binders']>; cleanup(): Promise<void> }>;
}

const CHILD = path.resolve(__dirname, '../../../dist/test/support/delivery-children/consumer.js');
const MESSAGES = 10000;
const KEYS = 100;
const PARTITIONS = 4;
const KILLS = 5;
/** New messages a child handles before it is killed (5 × 1500 leaves the rest for the last run). */
const HANDLED_BEFORE_KILL = 1500;
const CYCLE_DEADLINE_MS = 120000;
const redisUrl = process.env.BINDERY_REDIS_URL;

export function crashScenario(targetName: string, target: CrashTarget): void {
  describeIfPeer('Redis (BINDERY_REDIS_URL)', Boolean(redisUrl), `crash test (${targetName})`, () => {
    const children: ChildProcess[] = [];
    let redis: Redis;
    const prefix = `crash:${randomUUID()}:`;

    beforeAll(() => {
      redis = new Redis(redisUrl!);
    });

    afterAll(async () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.all(children.map(exited));
      try {
        const keys = await redis.keys(`${prefix}*`);
        for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
      } finally {
        redis.disconnect();
      }
    });

    it(`SIGKILL of a manual-ack consumer ${KILLS} times over ${MESSAGES} keyed messages: every effect exactly once, in per-key order (${target.design})`, async () => {
      if (!fs.existsSync(CHILD)) throw new Error(`${CHILD} is missing: build with \`npx tsc -p .\` first (npm test does)`);
      const setup = await target.prepare();
      try {
        const topic = uniqueName('crash');
        const settings: CrashChildSettings = {
          binder: setup.binder,
          binders: setup.binders,
          topic,
          group: `${topic}.g`,
          redisUrl: redisUrl!,
          prefix,
          sessionTimeoutMs: 6000,
        };
        await produce(settings);
        const effectCount = async () => Number((await redis.get(`${prefix}effect-count`)) ?? 0);
        const began = Date.now();
        for (let cycle = 0; cycle <= KILLS; cycle++) {
          const child = fork(CHILD, [], { env: { ...process.env, BINDERY_TEST_DELIVERY_CHILD: JSON.stringify(settings) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          children.push(child);
          let handled = 0;
          let failed: string | undefined;
          child.on('message', (m: { handled?: number }) => (handled = m.handled ?? handled));
          child.once('exit', (code, signal) => (failed = signal === 'SIGKILL' ? undefined : `child exited with ${code ?? signal}`));
          if (cycle < KILLS) {
            await eventually(() => handled >= HANDLED_BEFORE_KILL || failed !== undefined, `child ${cycle} handling ${HANDLED_BEFORE_KILL} messages`, CYCLE_DEADLINE_MS);
            if (failed) throw new Error(failed);
            child.kill('SIGKILL');
          } else {
            await eventually(async () => failed !== undefined || (await effectCount()) >= MESSAGES, 'every effect', 2 * CYCLE_DEADLINE_MS);
            if (failed) throw new Error(failed);
            child.kill('SIGTERM');
          }
          await exited(child);
          if (process.env.DEBUG_DELIVERY) console.log(`cycle ${cycle}: ${handled} handled, ${await effectCount()} effects, ${Date.now() - began} ms`);
        }
        for (let k = 0; k < KEYS; k++) {
          const effects = (await redis.lrange(`${prefix}effects:key-${k}`, 0, -1)).map(Number);
          const expected = Array.from({ length: MESSAGES / KEYS }, (_, i) => i * KEYS + k);
          expect(effects).toEqual(expected);
        }
        expect(await effectCount()).toBe(MESSAGES);
      } finally {
        await setup.cleanup();
      }
    }, 12 * CYCLE_DEADLINE_MS);
  });
}

/** Sends the messages through a Bindery application on the child's binder settings (message-id set by bindery). */
async function produce(settings: CrashChildSettings): Promise<void> {
  const app = await Bindery.create({
    services: [],
    config: { binder: settings.binder, binders: settings.binders },
    configFile: false,
    env: {},
    logger: silentLogger,
    shutdownOnSignals: false,
  });
  try {
    await app.binder.provisionTopic(settings.topic, PARTITIONS);
    for (let start = 0; start < MESSAGES; start += 1000) {
      const sends: Promise<unknown>[] = [];
      for (let seq = start; seq < start + 1000; seq++) {
        const key = `key-${seq % KEYS}`;
        sends.push(app.send(settings.topic, { key, seq }, { key }));
      }
      await Promise.all(sends);
    }
  } finally {
    await app.close();
  }
}
