/**
 * Child process of the delivery crash test: a Bindery application that consumes keyed messages
 * with manual acks and the Redis idempotency store, and writes each message's effect (its seq
 * appended to the key's list) in the same Redis transaction that marks the message done.
 * Reports progress over IPC; the test kills it with SIGKILL mid-stream.
 * Settings come as JSON in BINDERY_TEST_DELIVERY_CHILD (see CrashChildSettings).
 */
import {
  Ack,
  Acknowledgment,
  Bindery,
  Context,
  EnableBinding,
  Injectable,
  RecordContext,
  RedisIdempotencyStore,
  Sink,
  StreamListener,
  defaultIdempotencyKey,
  silentLogger,
  type BinderyConfig,
} from '../../../src';

export interface CrashChildSettings {
  binder: string;
  binders: NonNullable<BinderyConfig['binders']>;
  topic: string;
  group: string;
  redisUrl: string;
  /** Prefix of every Redis key of this run. */
  prefix: string;
  sessionTimeoutMs: number;
}

export interface CrashMessage {
  key: string;
  seq: number;
}

const settings = JSON.parse(process.env.BINDERY_TEST_DELIVERY_CHILD ?? '{}') as CrashChildSettings;
const DONE_TTL_MS = 60 * 60 * 1000;
const store = new RedisIdempotencyStore({ url: settings.redisUrl, prefix: `${settings.prefix}idempotency:` });
let handled = 0;

@Injectable()
@EnableBinding(Sink)
class CrashWorker {
  @StreamListener(Sink.INPUT)
  async handle(message: CrashMessage, @Ack() ack: Acknowledgment, @Context() context: RecordContext): Promise<void> {
    const key = defaultIdempotencyKey(settings.group, {
      topic: context.topic,
      partition: context.partition,
      offset: context.offset,
      messageId: context.headers['message-id'],
    });
    await store.doneWith(key, DONE_TTL_MS, (t) => {
      t.rpush(`${settings.prefix}effects:${message.key}`, String(message.seq));
      t.incr(`${settings.prefix}effect-count`);
    });
    ack.ack();
    if (++handled % 100 === 0) process.send?.({ handled });
  }
}

async function main(): Promise<void> {
  const app = await Bindery.create({
    services: [CrashWorker],
    config: {
      binder: settings.binder,
      binders: settings.binders,
      bindings: {
        input: {
          destination: settings.topic,
          group: settings.group,
          consumer: { ackMode: 'manual', idempotent: true, idempotencyTtlMs: DONE_TTL_MS, maxAttempts: 1, sessionTimeoutMs: settings.sessionTimeoutMs },
        },
      },
    },
    idempotencyStore: store,
    configFile: false,
    env: {},
    logger: process.env.DEBUG_DELIVERY ? undefined : silentLogger,
    onSignalShutdown: () => void store.close(),
  });
  await app.start();
  process.send?.({ ready: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
