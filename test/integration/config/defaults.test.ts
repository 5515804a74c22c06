/**
 * Every entry point of the broker and of the binders runs with the defaults declared in the
 * settings tables: Broker.open, runBroker, `bindery broker`, the native binder's broker, and the
 * consumer settings the native and kafka binders join their groups with.
 */
import { PassThrough } from 'node:stream';
import { Broker } from '../../../src/broker/Broker';
import { BROKER_CONFIG_DEFS, type BrokerConfig } from '../../../src/broker/config/BrokerConfig';
import { TOPIC_CONFIG_DEFS } from '../../../src/broker/config/topicConfigDefs';
import { GROUP_COORDINATOR_CONFIG_DEFS } from '../../../src/broker/group/config';
import { ManualClock, type JoinGroupRequest } from '../../../src/broker/group';
import { DEFAULT_LOG_CONFIG } from '../../../src/broker/log';
import { runBroker } from '../../../src/broker/server/runBroker';
import { MemoryFileSystem } from '../../../src/broker/storage';
import { CONSUMER_OPTION_DEFS } from '../../../src/binder/consumerDefaults';
import { PRODUCER_OPTION_DEFS } from '../../../src/binder/producerDefaults';
import { KafkaBinder } from '../../../src/binder/kafka/KafkaBinder';
import { NativeBinder } from '../../../src/binder/native/NativeBinder';
import { TestBinder } from '../../../src/binder/test/TestBinder';
import { brokerOptions } from '../../../src/cli/commands/broker';
import { defaultsOf } from '../../../src/protocol/config/ConfigDef';
import { BINDING_CONSUMER_DEFS, BINDING_PRODUCER_DEFS } from '../../../src/runtime/config/bindingDefs';
import { DEFAULT_CONSUMER } from '../../../src/runtime/config/types';
import { settle, SimMember } from '../../unit/broker/group/simMember';

jest.setTimeout(30_000);

const io = { out: () => undefined, err: () => undefined, stdin: new PassThrough() };

/** The broker of each entry point, opened in memory on a free port, and how to let it go. */
const ENTRY_POINTS: Record<string, () => Promise<{ broker: Broker; close(): Promise<void> }>> = {
  'Broker.open': async () => {
    const broker = await Broker.open({ fs: new MemoryFileSystem() });
    return { broker, close: () => broker.close() };
  },
  runBroker: async () => {
    const running = await runBroker({ memory: true, port: 0 });
    return { broker: running.broker, close: () => running.stop() };
  },
  'bindery broker': async () => {
    const running = await runBroker({ ...brokerOptions(['--memory', '--port', '0'], io) });
    return { broker: running.broker, close: () => running.stop() };
  },
  'native binder': async () => {
    const binder = new NativeBinder({ shared: false });
    return { broker: await binder.broker(), close: () => binder.close() };
  },
};

/** Where the wire server listens is given per run, not a default the entry points could disagree on. */
function withoutListener(config: BrokerConfig): Omit<BrokerConfig, 'host' | 'port'> {
  const { host: _host, port: _port, ...rest } = config;
  return rest;
}

describe('the declared defaults', () => {
  it('let a group of Broker.open form at once: group.initial.rebalance.delay.ms is 0 for embedded use', async () => {
    const clock = new ManualClock();
    const broker = await Broker.open({ fs: new MemoryFileSystem(), clock });
    try {
      const member = new SimMember(broker.groups, 'g', ['orders']);
      let joined = false;
      const join = member.join().then((r) => ((joined = true), r));
      for (let i = 0; i < 20 && !joined; i++) await settle();
      expect(joined).toBe(true);
      expect((await join).errorCode).toBe(0);
    } finally {
      await broker.close();
    }
  });

  it.each(Object.keys(ENTRY_POINTS))('are the broker, coordinator and topic settings of %s', async (name) => {
    const { broker, close } = await ENTRY_POINTS[name]();
    try {
      expect(withoutListener(broker.config)).toEqual(withoutListener(defaultsOf(BROKER_CONFIG_DEFS)));
      expect(broker.groups.config).toEqual(defaultsOf(GROUP_COORDINATOR_CONFIG_DEFS));
      await broker.createTopics({ topics: [{ name: 'orders', numPartitions: -1, replicationFactor: -1, configs: [] }] } as never);
      const topic = broker.topics.get('orders')!;
      expect(topic.partitions).toHaveLength(defaultsOf(BROKER_CONFIG_DEFS).numPartitions);
      const values = Object.fromEntries(topic.config.entries().map((e) => [e.name, e.value]));
      expect(values).toEqual(Object.fromEntries(Object.entries(TOPIC_CONFIG_DEFS).map(([key, def]) => [key, def.default])));
      expect(topic.config.toLogConfig()).toEqual(DEFAULT_LOG_CONFIG);
    } finally {
      await close();
    }
  });

  it('are the binding consumer and producer settings of the runtime and of the binders', () => {
    for (const [key, def] of Object.entries(CONSUMER_OPTION_DEFS)) {
      expect([key, (BINDING_CONSUMER_DEFS as Record<string, unknown>)[key]]).toEqual([key, def]);
    }
    expect(DEFAULT_CONSUMER).toMatchObject(defaultsOf(CONSUMER_OPTION_DEFS));
    for (const [key, def] of Object.entries(PRODUCER_OPTION_DEFS)) {
      expect([key, (BINDING_PRODUCER_DEFS as Record<string, unknown>)[key]]).toEqual([key, def]);
    }
  });

  /** The JoinGroup requests a binder's members send when the binding sets no timeouts. */
  async function joinsOf(bind: (broker: Broker) => Promise<() => Promise<void>>, broker: Broker): Promise<JoinGroupRequest[]> {
    const seen: JoinGroupRequest[] = [];
    const original = broker.groups.joinGroup.bind(broker.groups);
    jest.spyOn(broker.groups, 'joinGroup').mockImplementation((req) => (seen.push(req), original(req)));
    const unbind = await bind(broker);
    const deadline = Date.now() + 20_000;
    while (seen.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await unbind();
    return seen;
  }

  const expectedTimeouts = { sessionTimeoutMs: CONSUMER_OPTION_DEFS.sessionTimeoutMs.default, rebalanceTimeoutMs: CONSUMER_OPTION_DEFS.rebalanceTimeoutMs.default };

  it('are the consumer timeouts the native binder joins with', async () => {
    const binder = new NativeBinder({ shared: false });
    const broker = await binder.broker();
    try {
      const joins = await joinsOf(async () => {
        const binding = await binder.bindConsumer('orders', { group: 'g' }, async () => undefined);
        return () => binding.stop();
      }, broker);
      expect(joins[0]).toMatchObject(expectedTimeouts);
    } finally {
      await binder.close();
    }
  });

  it('are the consumer timeouts the kafka binder joins with', async () => {
    const running = await runBroker({ memory: true, host: '127.0.0.1', port: 0 });
    const binder = new KafkaBinder({ brokers: [`127.0.0.1:${running.port}`], logLevel: 'nothing' });
    try {
      const joins = await joinsOf(async () => {
        const binding = await binder.bindConsumer('orders', { group: 'g' }, async () => undefined);
        return () => binding.stop();
      }, running.broker);
      expect(joins[0]).toMatchObject(expectedTimeouts);
    } finally {
      await binder.close();
      await running.stop();
    }
  });

  const BINDERS = { test: () => new TestBinder(), native: () => new NativeBinder({ shared: false }) };

  it.each(Object.keys(BINDERS) as Array<keyof typeof BINDERS>)('bound the batches of the %s binder by maxBatchRecords', async (name) => {
    const binder = BINDERS[name]();
    const producer = await binder.bindProducer('orders', {});
    const records = CONSUMER_OPTION_DEFS.maxBatchRecords.default + 1;
    await producer.sendMany(Array.from({ length: records }, (_, i) => ({ value: Buffer.from(String(i)) })));
    const sizes: number[] = [];
    let received = 0;
    const binding = await binder.bindConsumer('orders', { group: 'g', startOffset: 'earliest' }, async (batch) => {
      sizes.push(batch.records.length);
      received += batch.records.length;
    });
    const deadline = Date.now() + 10_000;
    while (received < records && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await binding.stop();
    await binder.close();
    expect(received).toBe(records);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(CONSUMER_OPTION_DEFS.maxBatchRecords.default);
  });
});
