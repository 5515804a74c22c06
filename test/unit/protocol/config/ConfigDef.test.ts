import { accepts, defaultsOf, define, describeType, resolveConfig, type ConfigDefs } from '../../../../src/protocol/config/ConfigDef';
import { resolveBrokerConfig } from '../../../../src/broker/config/BrokerConfig';

interface Settings {
  retries: number;
  mode: 'fast' | 'safe';
  label: string | undefined;
  retry: { initial: number };
}

const DEFS: ConfigDefs<Settings> = {
  retries: define.integer(3, 0, 'retries at most'),
  mode: define.enumOf(['fast', 'safe'], 'safe', 'how to run'),
  label: define.optional({ type: 'string' }, 'a label', 'none'),
  retry: define.object({ initial: define.integer(100, 1, 'first wait') }, 'retry bounds'),
};

const invalid = (key: string, value: unknown, expected: string) => new RangeError(`${key} must be ${expected}, got ${String(value)}`);

describe('ConfigDef', () => {
  it('gives the declared defaults, nested tables included, and leaves keys without one unset', () => {
    expect(defaultsOf(DEFS)).toEqual({ retries: 3, mode: 'safe', retry: { initial: 100 } });
    expect('label' in defaultsOf(DEFS)).toBe(false);
  });

  it('overlays given values on the defaults, skipping undefined ones', () => {
    expect(resolveConfig(DEFS, { retries: 0, mode: undefined }, invalid)).toEqual({ retries: 0, mode: 'safe', retry: { initial: 100 } });
  });

  it("refuses a value its type does not accept with the layer's own error", () => {
    expect(() => resolveConfig(DEFS, { retries: -1 }, invalid)).toThrow(new RangeError('retries must be an integer >= 0, got -1'));
    expect(() => resolveConfig(DEFS, { mode: 'slow' as never }, invalid)).toThrow(/mode must be one of "fast", "safe", got slow/);
    expect(() => resolveBrokerConfig({ numPartitions: 0 })).toThrow('numPartitions must be a positive integer, got 0');
    expect(() => resolveBrokerConfig({ logCleanerBackoffMs: 1.5 })).toThrow(RangeError);
  });

  it('describes what a type accepts', () => {
    expect(describeType({ type: 'integer', min: 1, max: 9 })).toBe('an integer in [1, 9]');
    expect(accepts({ type: 'oneOf', of: [{ type: 'boolean' }, { type: 'freeObject' }] }, { ca: 'x' })).toBe(true);
    expect(accepts({ type: 'stringList' }, [])).toBe(false);
    const orNoLimit = define.integer(-1, 1, 'bytes queued at most', { alsoAllowed: -1 });
    expect([-1, 0, 1].map((v) => accepts(orNoLimit.type, v))).toEqual([true, false, true]);
    expect(describeType(orNoLimit.type)).toBe('a positive integer or -1');
  });
});
