import { compile } from './compile';
import { ExpressionSchema, ExpressionValues, Value } from './value-types';

/*
 * Property test: random well-typed expressions, generated as trees, printed with the fewest
 * parentheses the precedence table below allows (plus some spare ones), then compiled and compared
 * with a direct interpretation of the tree. Precedence, associativity, escapes, keyword case,
 * division by zero and NaN comparisons are all exercised; a seed makes failures reproducible.
 */

type Type = 'number' | 'string' | 'boolean';
type Tree =
  | { op: 'lit'; value: Value }
  | { op: 'var'; name: string }
  | { op: 'neg' | 'not'; arg: Tree }
  | { op: '+' | '-' | '*' | '/' | '%' | '<' | '<=' | '>' | '>=' | '==' | '!=' | 'and' | 'or'; left: Tree; right: Tree }
  | { op: 'in' | 'not in'; arg: Tree; list: Value[] }
  | { op: 'call'; name: string; args: Tree[] };

const SCHEMA: ExpressionSchema = { n1: 'number', n2: 'number', n3: 'number', s1: 'string', s2: 'string', b1: 'boolean', b2: 'boolean' };
const NAMES: Record<Type, string[]> = { number: ['n1', 'n2', 'n3'], string: ['s1', 's2'], boolean: ['b1', 'b2'] };
const STRINGS = ['', 'a', 'B', "it's", 'say "hi"', 'back\\slash', 'é\u{1f600}'];
const NUMBERS = [0, 1, 2, 3, 0.5, 2.25, 10, 1000];

/** mulberry32: small, seeded, good enough to spread cases. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Generator {
  constructor(private readonly rand: () => number) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)];
  }

  tree(type: Type, depth: number): Tree {
    if (depth <= 0 || this.rand() < 0.25) return this.leaf(type);
    const next = depth - 1;
    switch (type) {
      case 'number':
        return this.pick<() => Tree>([
          () => ({ op: 'neg', arg: this.tree('number', next) }),
          () => ({ op: this.pick(['+', '-', '*', '/', '%'] as const), left: this.tree('number', next), right: this.tree('number', next) }),
          () => ({ op: 'call', name: this.pick(['abs', 'round', 'floor', 'ceil']), args: [this.tree('number', next)] }),
          () => {
            const args = [this.tree('number', next), this.tree('number', next), this.tree('number', next)];
            return { op: 'call', name: this.pick(['min', 'max']), args: args.slice(0, 2 + Math.floor(this.rand() * 2)) };
          },
        ])();
      case 'string':
        return this.pick<() => Tree>([() => ({ op: 'call', name: this.pick(['lower', 'upper']), args: [this.tree('string', next)] }), () => this.leaf('string')])();
      case 'boolean':
        return this.pick<() => Tree>([
          () => ({ op: 'not', arg: this.tree('boolean', next) }),
          () => ({ op: this.pick(['and', 'or'] as const), left: this.tree('boolean', next), right: this.tree('boolean', next) }),
          () => ({ op: this.pick(['<', '<=', '>', '>=', '==', '!='] as const), left: this.tree('number', next), right: this.tree('number', next) }),
          () => {
            const operandType = this.pick<Type>(['string', 'boolean']);
            return { op: this.pick(['==', '!='] as const), left: this.tree(operandType, next), right: this.tree(operandType, next) };
          },
          () => {
            const numeric = this.rand() < 0.5;
            const list = Array.from({ length: Math.floor(this.rand() * 4) }, () => (numeric ? this.pick(NUMBERS) * this.pick([1, -1]) : this.pick(STRINGS)));
            return { op: this.pick(['in', 'not in'] as const), arg: this.tree(numeric ? 'number' : 'string', next), list };
          },
          () => ({ op: 'call', name: 'between', args: [this.tree('number', next), this.tree('number', next), this.tree('number', next)] }),
          () => ({ op: 'call', name: 'starts_with', args: [this.tree('string', next), this.tree('string', next)] }),
        ])();
    }
  }

  leaf(type: Type): Tree {
    if (this.rand() < 0.5) return { op: 'var', name: this.pick(NAMES[type]) };
    if (type === 'number') return { op: 'lit', value: this.pick(NUMBERS) };
    if (type === 'string') return { op: 'lit', value: this.pick(STRINGS) };
    return { op: 'lit', value: this.rand() < 0.5 };
  }

  values(): ExpressionValues {
    return {
      n1: this.pick([0, 1, -1, 2.5, 7, Number.NaN]),
      n2: this.pick([0, 3, -0.5, 100]),
      n3: this.pick([0, 0, 1, -4]),
      s1: this.pick(STRINGS),
      s2: this.pick(STRINGS),
      b1: this.rand() < 0.5,
      b2: this.rand() < 0.5,
    };
  }
}

// Loosest to tightest; comparisons (4) do not associate.
const PRECEDENCE: Record<string, number> = Object.fromEntries([
  ...['or', 'and', 'not'].map((op, i) => [op, i + 1]),
  ...['<', '<=', '>', '>=', '==', '!=', 'in', 'not in'].map((op) => [op, 4]),
  ...[['+', 5], ['-', 5], ['*', 6], ['/', 6], ['%', 6], ['neg', 7]],
]);
const ATOM = 8;

class Printer {
  constructor(private readonly gen: Generator, private readonly rand: () => number) {}

  print(tree: Tree): string {
    return this.printed(tree).text;
  }

  private printed(tree: Tree): { text: string; level: number } {
    const result = this.bare(tree);
    return this.rand() < 0.1 ? { text: `(${result.text})`, level: ATOM } : result;
  }

  private bare(tree: Tree): { text: string; level: number } {
    switch (tree.op) {
      case 'lit':
        return { text: this.literal(tree.value), level: ATOM };
      case 'var':
        return { text: tree.name, level: ATOM };
      case 'neg':
        return { text: `-${this.operand(tree.arg, PRECEDENCE.neg)}`, level: PRECEDENCE.neg };
      case 'not':
        return { text: `${this.keyword('not')} ${this.operand(tree.arg, PRECEDENCE.not)}`, level: PRECEDENCE.not };
      case 'in':
      case 'not in': {
        const level = PRECEDENCE[tree.op];
        const keyword = tree.op === 'in' ? this.keyword('in') : `${this.keyword('not')} ${this.keyword('in')}`;
        return { text: `${this.operand(tree.arg, level + 1)} ${keyword} [${tree.list.map((v) => this.literal(v)).join(', ')}]`, level };
      }
      case 'call':
        return { text: `${tree.name}(${tree.args.map((arg) => this.print(arg)).join(', ')})`, level: ATOM };
      default: {
        const level = PRECEDENCE[tree.op];
        const comparison = level === 4;
        const operator = tree.op === 'and' || tree.op === 'or' ? this.keyword(tree.op) : tree.op;
        const space = this.rand() < 0.8 ? ' ' : tree.op === 'and' || tree.op === 'or' ? ' ' : '';
        return {
          text: `${this.operand(tree.left, comparison ? level + 1 : level)}${space}${operator}${space}${this.operand(tree.right, level + 1)}`,
          level,
        };
      }
    }
  }

  private operand(tree: Tree, minLevel: number): string {
    const result = this.printed(tree);
    return result.level >= minLevel ? result.text : `(${result.text})`;
  }

  private literal(value: Value): string {
    if (typeof value === 'number') return value < 0 ? `-${-value}` : String(value);
    if (typeof value === 'boolean') return this.keyword(String(value));
    const quote = this.rand() < 0.5 ? "'" : '"';
    return quote + value.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`) + quote;
  }

  private keyword(word: string): string {
    return this.gen.pick([word, word.toUpperCase(), word[0].toUpperCase() + word.slice(1)]);
  }
}

/** The semantics, written out directly: NaN for /0 and %0, every comparison with NaN false. */
function interpret(tree: Tree, values: ExpressionValues): Value {
  const num = (t: Tree) => interpret(t, values) as number;
  const ok = (...xs: Value[]) => xs.every((x) => x === x);
  switch (tree.op) {
    case 'lit':
      return tree.value;
    case 'var':
      return values[tree.name];
    case 'neg':
      return -num(tree.arg);
    case 'not':
      return !interpret(tree.arg, values);
    case '+':
      return num(tree.left) + num(tree.right);
    case '-':
      return num(tree.left) - num(tree.right);
    case '*':
      return num(tree.left) * num(tree.right);
    case '/': {
      const [l, r] = [num(tree.left), num(tree.right)];
      return r === 0 ? Number.NaN : l / r;
    }
    case '%': {
      const [l, r] = [num(tree.left), num(tree.right)];
      return r === 0 ? Number.NaN : l % r;
    }
    case 'and':
      return interpret(tree.left, values) === true ? interpret(tree.right, values) === true : false;
    case 'or':
      return interpret(tree.left, values) === true ? true : interpret(tree.right, values) === true;
    case '<':
    case '<=':
    case '>':
    case '>=':
    case '==':
    case '!=': {
      const l = interpret(tree.left, values);
      const r = interpret(tree.right, values);
      if (!ok(l, r)) return false;
      return { '<': l < r, '<=': l <= r, '>': l > r, '>=': l >= r, '==': l === r, '!=': l !== r }[tree.op];
    }
    case 'in':
    case 'not in': {
      const v = interpret(tree.arg, values);
      if (!ok(v)) return false;
      return tree.list.some((item) => item === v) === (tree.op === 'in');
    }
    case 'call': {
      const args = tree.args.map((arg) => interpret(arg, values));
      const [x, y, z] = args as number[];
      switch (tree.name) {
        case 'abs':
          return Math.abs(x);
        case 'round':
          return x < 0 ? -Math.round(-x) : Math.round(x);
        case 'floor':
          return Math.floor(x);
        case 'ceil':
          return Math.ceil(x);
        case 'min':
          return Math.min(...(args as number[]));
        case 'max':
          return Math.max(...(args as number[]));
        case 'between':
          return ok(x, y, z) && x >= y && x <= z;
        case 'lower':
          return (args[0] as string).toLowerCase();
        case 'upper':
          return (args[0] as string).toUpperCase();
        case 'starts_with':
          return (args[0] as string).startsWith(args[1] as string);
        default:
          throw new Error(`no reference for ${tree.name}`);
      }
    }
  }
}

const same = (a: Value, b: Value) => Object.is(a, b) || a === b;

describe(compile.name, () => {
  it.each([1, 2, 3, 4])('agrees with the reference interpreter on 500 random expressions (seed %d)', (seed) => {
    // Prepare
    const rand = random(seed);
    const gen = new Generator(rand);
    const printer = new Printer(gen, rand);
    const mismatches: string[] = [];

    for (let i = 0; i < 500; i++) {
      const type = gen.pick<Type>(['number', 'boolean', 'boolean', 'string']);
      const tree = gen.tree(type, 5);
      const source = printer.print(tree);

      // Act
      const compiled = compile(source, SCHEMA);

      // Assert (collected, so a failure shows every disagreeing case at once)
      if (compiled.type !== type) mismatches.push(`${source}: type ${compiled.type}, expected ${type}`);
      for (let k = 0; k < 5; k++) {
        const values = gen.values();
        const actual = compiled.evaluate(values);
        const expected = interpret(tree, values);
        if (!same(actual, expected)) mismatches.push(`${source} with ${JSON.stringify(values)}: ${String(actual)} ≠ ${String(expected)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
