/**
 * Listener conditions: a small expression language over headers and payload, compiled once at
 * start-up. Grammar:
 *   expr    := or
 *   or      := and ( '||' and )*
 *   and     := unary ( '&&' unary )*
 *   unary   := '!' unary | '(' expr ')' | compare
 *   compare := operand ( ('==' | '!=') operand )?
 *   operand := ('headers' | 'payload') ( '[' string ']' | '.' ident )* | string | number | 'true' | 'false' | 'null'
 */
import type { ConditionMessage, ConditionPredicate } from '../annotations';

type Token = { kind: 'op' | 'str' | 'num' | 'ident'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(==|!=|&&|\|\||[!()[\].])|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)|([A-Za-z_$][\w$-]*))/y;
  let at = 0;
  while (at < source.length) {
    if (/^\s*$/.test(source.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(source);
    if (!m) throw new Error(`unexpected '${source.slice(at).trim().charAt(0)}' at position ${at}`);
    at = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'op', text: m[1] });
    else if (m[2] !== undefined || m[3] !== undefined) tokens.push({ kind: 'str', text: (m[2] ?? m[3]).replace(/\\(.)/g, '$1') });
    else if (m[4]) tokens.push({ kind: 'num', text: m[4] });
    else tokens.push({ kind: 'ident', text: m[5] });
  }
  return tokens;
}

type Evaluator = (message: ConditionMessage) => unknown;

/** Headers are text: compare as text so headers['n']==2 matches "2"; a missing value equals only null. */
function looseEquals(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  return String(a) === String(b);
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Evaluator {
    const expr = this.or();
    if (this.at < this.tokens.length) throw new Error(`unexpected '${this.tokens[this.at].text}'`);
    return expr;
  }

  private peek(text?: string): Token | undefined {
    const token = this.tokens[this.at];
    return text === undefined || token?.text === text ? token : undefined;
  }

  private take(text?: string): Token {
    const token = this.tokens[this.at];
    if (!token || (text !== undefined && token.text !== text)) {
      throw new Error(text ? `expected '${text}'${token ? ` before '${token.text}'` : ' at the end'}` : 'unexpected end');
    }
    this.at++;
    return token;
  }

  private or(): Evaluator {
    let left = this.and();
    while (this.peek('||')) {
      this.take();
      const l = left, r = this.and();
      left = (m) => Boolean(l(m)) || Boolean(r(m));
    }
    return left;
  }

  private and(): Evaluator {
    let left = this.unary();
    while (this.peek('&&')) {
      this.take();
      const l = left, r = this.unary();
      left = (m) => Boolean(l(m)) && Boolean(r(m));
    }
    return left;
  }

  private unary(): Evaluator {
    if (this.peek('!')) {
      this.take();
      const inner = this.unary();
      return (m) => !inner(m);
    }
    if (this.peek('(')) {
      this.take();
      const inner = this.or();
      this.take(')');
      return inner;
    }
    const left = this.operand();
    const op = this.peek('==') ?? this.peek('!=');
    if (!op) return left;
    this.take();
    const right = this.operand();
    return op.text === '==' ? (m) => looseEquals(left(m), right(m)) : (m) => !looseEquals(left(m), right(m));
  }

  private operand(): Evaluator {
    const token = this.take();
    if (token.kind === 'str') return () => token.text;
    if (token.kind === 'num') return () => Number(token.text);
    if (token.kind !== 'ident') throw new Error(`unexpected '${token.text}'`);
    if (token.text === 'true' || token.text === 'false') return () => token.text === 'true';
    if (token.text === 'null') return () => null;
    if (token.text !== 'headers' && token.text !== 'payload') {
      throw new Error(`unknown name '${token.text}' (use headers['name'] or payload.field)`);
    }
    const path: string[] = [];
    for (;;) {
      if (this.peek('[')) {
        this.take();
        const key = this.take();
        if (key.kind !== 'str' && key.kind !== 'num') throw new Error(`expected a quoted name inside [ ]`);
        path.push(key.text);
        this.take(']');
      } else if (this.peek('.')) {
        this.take();
        const key = this.take();
        if (key.kind !== 'ident') throw new Error(`expected a name after '.'`);
        path.push(key.text);
      } else break;
    }
    const root = token.text;
    return (m) => {
      let value: unknown = root === 'headers' ? m.headers : m.payload;
      for (const key of path) value = value === null || value === undefined ? undefined : (value as Record<string, unknown>)[key];
      return value;
    };
  }
}

/** Compiles a condition; throws Error with the reason when the expression is malformed. */
export function compileCondition(condition: string | ConditionPredicate): ConditionPredicate {
  if (typeof condition === 'function') return condition;
  const evaluate = new Parser(tokenize(condition)).parse();
  return (message) => Boolean(evaluate(message));
}
