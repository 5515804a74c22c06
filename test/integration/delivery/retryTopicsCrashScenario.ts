/**
 * The crash test of retry topics: a consumer child whose listener fails every tenth message's
 * first attempt (so it is forwarded to a retry topic) is SIGKILLed three times over 2,000
 * messages, then runs to the end. The main offset is committed only after a forward is
 * acknowledged, so every message's effect must exist at least once: nothing is lost.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Bindery, silentLogger } from '../../../src';
import type { RetryTopicsChildSettings } from '../../support/delivery-children/retryTopicsConsumer';
import type { CrashTarget } from './crashScenario';
import { eventually, exited, uniqueName } from './deliverySupport';

const CHILD = path.resolve(__dirname, '../../../dist/test/support/delivery-children/retryTopicsConsumer.js');
const MESSAGES = 2000;
const PARTITIONS = 3;
const KILLS = 3;
/** New messages a child handles before it is killed (3 × 400 leaves the rest for the last run). */
const HANDLED_BEFORE_KILL = 400;
const CYCLE_DEADLINE_MS = 120000;

function effects(file: string): Set<number> {
  if (!fs.existsSync(file)) return new Set();
  return new Set(fs.readFileSync(file, 'utf8').split('\n').filter((line) => line !== '').map(Number));
}

export function retryTopicsCrashScenario(targetName: string, target: CrashTarget): void {
  describe(`retry topics crash test (${targetName})`, () => {
    const children: ChildProcess[] = [];
    afterAll(async () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.all(children.map(exited));
    });

    it(`SIGKILL of a consumer retrying through retry topics ${KILLS} times over ${MESSAGES} messages: every message handled (${target.design})`, async () => {
      if (!fs.existsSync(CHILD)) throw new Error(`${CHILD} is missing: build with \`npx tsc -p .\` first (npm test does)`);
      const setup = await target.prepare();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-retry-crash-'));
      try {
        const topic = uniqueName('retry-crash');
        const settings: RetryTopicsChildSettings = {
          binder: setup.binder,
          binders: setup.binders,
          topic,
          group: `${topic}.g`,
          effectsFile: path.join(dir, 'effects'),
          sessionTimeoutMs: 6000,
        };
        await produce(settings);
        for (let cycle = 0; cycle <= KILLS; cycle++) {
          const child = fork(CHILD, [], { env: { ...process.env, BINDERY_TEST_DELIVERY_CHILD: JSON.stringify(settings) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          children.push(child);
          let handled = 0;
          let failed: string | undefined;
          child.on('message', (m: { handled?: number }) => (handled = m.handled ?? handled));
          child.once('exit', (code, signal) => (failed = signal === 'SIGKILL' || signal === 'SIGTERM' ? undefined : `child exited with ${code ?? signal}`));
          if (cycle < KILLS) {
            await eventually(() => handled >= HANDLED_BEFORE_KILL || failed !== undefined, `child ${cycle} handling ${HANDLED_BEFORE_KILL} messages`, CYCLE_DEADLINE_MS);
            if (failed) throw new Error(failed);
            child.kill('SIGKILL');
          } else {
            await eventually(() => failed !== undefined || effects(settings.effectsFile).size >= MESSAGES, 'every message handled', 2 * CYCLE_DEADLINE_MS);
            if (failed) throw new Error(failed);
            child.kill('SIGTERM');
          }
          await exited(child);
        }
        const seen = effects(settings.effectsFile);
        const missing = Array.from({ length: MESSAGES }, (_, seq) => seq).filter((seq) => !seen.has(seq));
        expect(missing).toEqual([]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        await setup.cleanup();
      }
    }, (KILLS + 3) * CYCLE_DEADLINE_MS);
  });
}

async function produce(settings: RetryTopicsChildSettings): Promise<void> {
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
    const sends: Promise<unknown>[] = [];
    for (let seq = 0; seq < MESSAGES; seq++) sends.push(app.send(settings.topic, { seq }, { key: `key-${seq % 50}` }));
    await Promise.all(sends);
  } finally {
    await app.close();
  }
}
