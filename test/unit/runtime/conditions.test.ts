import { compileCondition } from '../../../src/runtime/conditions';

const message = (headers: Record<string, string>, payload: unknown = {}) => ({ headers, payload });

describe('listener conditions', () => {
  it('compares headers by bracket or dot access', () => {
    const created = compileCondition("headers['type']=='created'");
    expect(created(message({ type: 'created' }))).toBe(true);
    expect(created(message({ type: 'updated' }))).toBe(false);
    expect(created(message({}))).toBe(false);
    expect(compileCondition('headers.type != "created"')(message({ type: 'x' }))).toBe(true);
  });

  it('combines with && || ! and parentheses, and reads the payload', () => {
    const c = compileCondition("(headers['type']=='a' || headers['type']=='b') && !(payload.total == 0)");
    expect(c(message({ type: 'a' }, { total: 3 }))).toBe(true);
    expect(c(message({ type: 'b' }, { total: 0 }))).toBe(false);
    expect(c(message({ type: 'c' }, { total: 3 }))).toBe(false);
    expect(compileCondition("headers['n']==2")(message({ n: '2' }))).toBe(true);
    expect(compileCondition("headers['x']==null")(message({}))).toBe(true);
  });

  it('passes predicate functions through', () => {
    const c = compileCondition((m) => m.headers.kind === 'k');
    expect(c(message({ kind: 'k' }))).toBe(true);
  });

  it('rejects malformed expressions with a reason', () => {
    expect(() => compileCondition("headers['type'] = 'x'")).toThrow(/unexpected '='/);
    expect(() => compileCondition("type=='x'")).toThrow("unknown name 'type' (use headers['name'] or payload.field)");
    expect(() => compileCondition("(headers['a']=='b'")).toThrow("expected ')' at the end");
  });
});
