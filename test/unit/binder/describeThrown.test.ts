import { describeThrown } from '../../../src/binder/describeThrown';

describe('describeThrown', () => {
  it('gives an Error its message, a string itself, and anything else its JSON', () => {
    expect(describeThrown(new TypeError('bad input'))).toBe('bad input');
    expect(describeThrown('plain text')).toBe('plain text');
    expect(describeThrown({ code: 1 })).toBe('{"code":1}');
    expect(describeThrown([1, 'two'])).toBe('[1,"two"]');
    expect(describeThrown(42)).toBe('42');
    expect(describeThrown(null)).toBe('null');
    expect(describeThrown({ big: 10n })).toBe('{"big":"10"}');
  });

  it('shows what JSON cannot write through Node\'s inspect, or String()', () => {
    const circular: Record<string, unknown> = { code: 7 };
    circular.self = circular;
    expect(describeThrown(circular)).toBe('<ref *1> { code: 7, self: [Circular *1] }');
    expect(describeThrown(undefined)).toBe('undefined');
    expect(describeThrown(Symbol('s'))).toBe('Symbol(s)');
  });
});
