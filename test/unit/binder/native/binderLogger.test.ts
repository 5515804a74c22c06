/**
 * The native binder reports what users should see through the application's logger: a handler
 * failure it redelivers after, and the broker's own warnings (a failed produce) — not the console.
 */
import { Broker } from '../../../../src/broker/Broker';
import { MemoryFileSystem } from '../../../../src/broker/storage/MemoryFileSystem';
import { NativeBinder } from '../../../../src/binder/native';
import { Collector } from '../../../integration/binder-contract/contractSupport';
import { CapturingLogger } from '../../../support/capturingLogger';

describe('native binder logging', () => {
  let consoleError: jest.SpyInstance;
  let consoleWarn: jest.SpyInstance;
  beforeEach(() => {
    consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    consoleWarn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    consoleError.mockRestore();
    consoleWarn.mockRestore();
  });

  it("sends a handler failure to the binder's logger", async () => {
    const broker = await Broker.open({ fs: new MemoryFileSystem() });
    const logger = new CapturingLogger();
    const binder = new NativeBinder({ broker }, logger);
    try {
      const producer = await binder.bindProducer('logged', {});
      await producer.sendMany([{ value: Buffer.from('a') }]);
      let calls = 0;
      const consumer = await Collector.subscribe(binder, 'logged', { group: 'logged-group', maxBatchRecords: 1 }, async (batch, session, collector) => {
        calls++;
        if (calls === 1) throw new Error('boom');
        collector.receive(batch, session);
        await session.commit([{ topic: 'logged', partition: 0, offset: batch.records[0].offset + 1 }]);
      });
      await consumer.waitForCount(1);
      expect(logger.lines.filter((l) => l.startsWith('ERROR') && l.includes('logged-group') && l.includes('boom'))).toHaveLength(1);
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      await binder.close();
      await broker.close();
    }
  });

  it("gives its logger to the broker it opens, whose failed produces are logged there", async () => {
    const logger = new CapturingLogger();
    const binder = new NativeBinder({ shared: false }, logger);
    try {
      const broker = await binder.broker();
      await binder.provisionTopic('full', 1);
      // A storage failure on the next append: the broker logs the failed produce with its cause.
      (broker.fs as MemoryFileSystem).injectFault({ op: 'append', path: /full-0\/\d+\.log$/, code: 'ENOSPC' });
      const producer = await binder.bindProducer('full', {});
      await expect(producer.sendMany([{ value: Buffer.from('x') }])).rejects.toThrow();
      expect(logger.lines.some((l) => l.startsWith('WARN') && l.includes('full') && /ENOSPC/.test(l))).toBe(true);
      expect(consoleWarn).not.toHaveBeenCalled();
    } finally {
      await binder.close();
    }
  });
});
