// Threshold expressions: a number, or arithmetic over station parameters, e.g.
// `station.warning_stage - 0.5`. Parsed once at load; evaluated per station.

export interface Expression {
  text: string;
  /** Station parameters it reads. */
  params: string[];
  /** The value at a station, or undefined when the station lacks a parameter. */
  evaluate(params: Record<string, number>): number | undefined;
}

export class ExpressionError extends Error {
  constructor(
    message: string,
    /** Character offset in the expression text. */
    readonly offset: number,
  ) {
    super(message);
  }
}

type Eval = (p: Record<string, number>) => number | undefined;

const TOKEN = /\s*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(station\.[A-Za-z_][A-Za-z0-9_]*)|([-+*/()]))/y;

export function parseExpression(input: string | number): Expression {
  if (typeof input === 'number') return { text: String(input), params: [], evaluate: () => input };
  const text = input;
  const params = new Set<string>();
  let pos = 0;
  let tok: { kind: 'num' | 'param' | 'op'; text: string; at: number } | undefined;

  const advance = (): void => {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) {
      const at = pos + (text.slice(pos).length - text.slice(pos).trimStart().length);
      if (at >= text.length) tok = undefined;
      else throw new ExpressionError(`unexpected "${text[at]}" (write a number, station.<parameter>, + - * / or parentheses)`, at);
      return;
    }
    const at = TOKEN.lastIndex - m[0].trimStart().length;
    tok = m[1] ? { kind: 'num', text: m[1], at } : m[2] ? { kind: 'param', text: m[2], at } : { kind: 'op', text: m[3]!, at };
    pos = TOKEN.lastIndex;
  };

  const expect = (what: string): never => {
    throw new ExpressionError(tok ? `expected ${what}, found "${tok.text}"` : `expected ${what} at the end`, tok?.at ?? text.length);
  };

  const binary = (next: () => Eval, ops: string): Eval => {
    let left = next();
    while (tok?.kind === 'op' && ops.includes(tok.text)) {
      const op = tok.text;
      advance();
      const l = left;
      const r = next();
      left = (p) => {
        const a = l(p);
        const b = r(p);
        if (a === undefined || b === undefined) return undefined;
        return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
      };
    }
    return left;
  };

  const factor = (): Eval => {
    const t = tok;
    if (!t) return expect('a number or station.<parameter>');
    advance();
    if (t.kind === 'num') {
      const n = Number(t.text);
      return () => n;
    }
    if (t.kind === 'param') {
      const name = t.text.slice('station.'.length);
      params.add(name);
      return (p) => p[name];
    }
    if (t.text === '-') {
      const inner = factor();
      return (p) => {
        const v = inner(p);
        return v === undefined ? undefined : -v;
      };
    }
    if (t.text === '(') {
      const inner = sum();
      if (tok?.text !== ')') expect('")"');
      advance();
      return inner;
    }
    tok = t;
    return expect('a number or station.<parameter>');
  };
  const product = (): Eval => binary(factor, '*/');
  const sum = (): Eval => binary(product, '+-');

  advance();
  const root = sum();
  if (tok) expect('an operator');
  return { text, params: [...params], evaluate: root };
}
