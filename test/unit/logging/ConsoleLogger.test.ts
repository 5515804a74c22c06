import { Bindery, EnableBinding, Sink, StreamListener } from '../../../src';
import { ConsoleLogger, LogLevelError, defaultLogger, logLevelFrom } from '../../../src/logging';

@EnableBinding(Sink)
class Quiet {
  @StreamListener(Sink.INPUT)
  handle(): void {}
}

describe('the default logger', () => {
  it('writes one line per call at or above its level, with fields and the error after the message', () => {
    const out: string[] = [];
    const logger = new ConsoleLogger('warn', {}, (line) => out.push(line)).child({ topic: 'orders' });
    logger.info('not shown');
    logger.debug('not shown either');
    logger.warn('segment cut');
    logger.error({ err: new Error('disk full') }, 'append failed');
    expect(out).toHaveLength(2);
    expect(out[0]).toBe('[bindery] WARN segment cut topic=orders\n');
    expect(out[1]).toMatch(/^\[bindery\] ERROR append failed topic=orders\nError: disk full\n/);
  });

  it('takes its level from BINDERY_LOG_LEVEL, info when unset', () => {
    expect(logLevelFrom({})).toBe('info');
    expect(logLevelFrom({ BINDERY_LOG_LEVEL: 'debug' })).toBe('debug');
    expect(logLevelFrom({ BINDERY_LOG_LEVEL: 'SILENT' })).toBe('silent');
    expect(() => defaultLogger({ BINDERY_LOG_LEVEL: 'error' })).not.toThrow();
  });

  it('refuses a BINDERY_LOG_LEVEL that is not a level, naming the variable and the accepted values', async () => {
    expect(() => logLevelFrom({ BINDERY_LOG_LEVEL: 'verbose' })).toThrow(LogLevelError);
    const created = Bindery.create({ services: [Quiet], configFile: false, env: { BINDERY_LOG_LEVEL: 'verbose' }, shutdownOnSignals: false, config: { binder: 'test' } });
    await expect(created).rejects.toThrow("BINDERY_LOG_LEVEL='verbose' is not a log level; set it to one of debug, info, warn, error, silent");
  });

  it('is not taken for a config path: BINDERY_LOG_LEVEL=debug starts an application', async () => {
    const app = await Bindery.create({ services: [Quiet], configFile: false, env: { BINDERY_LOG_LEVEL: 'silent' }, shutdownOnSignals: false, config: { binder: 'test' } });
    await app.close();
  });
});
