/**
 * Child process of the retry-topics crash test: a Bindery application whose listener retries
 * through retry topics. Every tenth message fails its first attempt (it goes through the first
 * retry topic); each handled message's seq is appended to the effects file with a synchronous
 * write, which a SIGKILL cannot undo. Reports progress over IPC; the test kills it mid-stream.
 * Settings come as JSON in BINDERY_TEST_DELIVERY_CHILD (see RetryTopicsChildSettings).
 */
import * as fs from 'node:fs';
import { Bindery, Context, EnableBinding, Injectable, RecordContext, Sink, StreamListener, silentLogger, type BinderyConfig } from '../../../src';

export interface RetryTopicsChildSettings {
  binder: string;
  binders: NonNullable<BinderyConfig['binders']>;
  topic: string;
  group: string;
  effectsFile: string;
  sessionTimeoutMs: number;
}

const settings = JSON.parse(process.env.BINDERY_TEST_DELIVERY_CHILD ?? '{}') as RetryTopicsChildSettings;

@Injectable()
@EnableBinding(Sink)
class RetryingWorker {
  private handled = 0;

  @StreamListener(Sink.INPUT)
  handle(message: { seq: number }, @Context() context: RecordContext): void {
    if (message.seq % 10 === 0 && context.attempt === 1) throw new Error(`first attempt of ${message.seq} fails`);
    fs.appendFileSync(settings.effectsFile, `${message.seq}\n`);
    if (++this.handled % 50 === 0) process.send?.({ handled: this.handled });
  }
}

async function main(): Promise<void> {
  const app = await Bindery.create({
    services: [RetryingWorker],
    config: {
      binder: settings.binder,
      binders: settings.binders,
      bindings: {
        input: {
          destination: settings.topic,
          group: settings.group,
          consumer: { retry: 'topics', maxAttempts: 3, backOffInitialInterval: 200, sessionTimeoutMs: settings.sessionTimeoutMs },
        },
      },
    },
    configFile: false,
    env: {},
    logger: process.env.DEBUG_DELIVERY ? undefined : silentLogger,
  });
  await app.start();
  process.send?.({ ready: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
