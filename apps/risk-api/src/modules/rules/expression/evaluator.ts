import { assertUnreachable } from '@vigil/platform';
import { ArithmeticOperator, ComparisonOperator, ExpressionNode, IdentifierNode } from './ast';
import { ExpressionError, ExpressionErrorCode } from './expression.exception';
import { FUNCTIONS } from './functions';
import { ExpressionValues, Value, ValueType } from './value-types';

/** A compiled node: one closure per AST node, built once, so evaluation never re-parses or dispatches on kinds. */
export type Evaluator = (values: ExpressionValues) => Value;

const hasOwn = Object.prototype.hasOwnProperty;

/*
 * Semantics, chosen so that evaluation never throws on well-typed input:
 * - Division or remainder by zero gives NaN, "no value" (JS would give ±Infinity for x / 0).
 *   NaN flows through arithmetic, and every comparison with it is false: <, <=, >, >=, == and also
 *   != , `in`, `not in` and between(). A rule `sum / count > 100` therefore does not fire when
 *   count is 0. `not (...)` is plain negation, so `not (sum / count > 100)` does fire: write the
 *   condition the way it should fire.
 * - `and` / `or` short-circuit: the right side is not evaluated when the left decides.
 * - Overflow follows IEEE 754 (1e308 * 10 is Infinity, compared normally).
 */
const ARITHMETIC: Record<ArithmeticOperator, (l: number, r: number) => number> = {
  '+': (l, r) => l + r,
  '-': (l, r) => l - r,
  '*': (l, r) => l * r,
  '/': (l, r) => (r === 0 ? Number.NaN : l / r),
  '%': (l, r) => (r === 0 ? Number.NaN : l % r),
};

const COMPARE: Record<ComparisonOperator, (l: Value, r: Value) => boolean> = {
  '<': (l, r) => l < r,
  '<=': (l, r) => l <= r,
  '>': (l, r) => l > r,
  '>=': (l, r) => l >= r,
  '==': (l, r) => l === r,
  // x === x is false only for NaN, so != is false as well when either side has no value.
  '!=': (l, r) => l !== r && l === l && r === r,
};

/** Compiles a type-checked AST into closures; `schema` supplies the runtime type check of each value read. */
export function compileNode(node: ExpressionNode, schema: ReadonlyMap<string, ValueType>): Evaluator {
  switch (node.kind) {
    case 'number':
    case 'string':
    case 'boolean': {
      const value = node.value;
      return () => value;
    }
    case 'identifier':
      return readValue(node, schema.get(node.name));
    case 'negate': {
      const operand = compileNode(node.operand, schema);
      return (values) => -(operand(values) as number);
    }
    case 'not': {
      const operand = compileNode(node.operand, schema);
      return (values) => !operand(values);
    }
    case 'arithmetic': {
      const left = compileNode(node.left, schema);
      const right = compileNode(node.right, schema);
      const apply = ARITHMETIC[node.operator];
      return (values) => apply(left(values) as number, right(values) as number);
    }
    case 'comparison': {
      const left = compileNode(node.left, schema);
      const right = compileNode(node.right, schema);
      const compare = COMPARE[node.operator];
      return (values) => compare(left(values), right(values));
    }
    case 'logical': {
      const left = compileNode(node.left, schema);
      const right = compileNode(node.right, schema);
      return node.operator === 'and' ? (values) => left(values) === true && right(values) === true : (values) => left(values) === true || right(values) === true;
    }
    case 'in': {
      const operand = compileNode(node.operand, schema);
      const members = new Set<Value>(node.elements.map((element) => element.value));
      // NaN is never a member (lists hold literals), and `not in` is false for it like any comparison.
      return node.negated
        ? (values) => {
            const value = operand(values);
            return value === value && !members.has(value);
          }
        : (values) => members.has(operand(values));
    }
    case 'call': {
      const spec = FUNCTIONS.get(node.callee);
      if (spec === undefined) throw new Error(`compileNode: unknown function ${node.callee} passed the type check`);
      const args = node.args.map((arg) => compileNode(arg, schema));
      const implementation = spec.implementation;
      if (args.length === 1) {
        const [a] = args;
        return (values) => implementation(a(values));
      }
      return (values) => implementation(...args.map((arg) => arg(values)));
    }
    default:
      return assertUnreachable(node);
  }
}

/** Own properties only: `values.constructor` or `values.__proto__` never reach Object.prototype. */
function readValue(node: IdentifierNode, type: ValueType | undefined): Evaluator {
  const name = node.name;
  return (values) => {
    if (!hasOwn.call(values, name)) {
      throw new ExpressionError(ExpressionErrorCode.MissingValue, `no value was given for '${name}'`, node.position);
    }
    const value = values[name];
    if (typeof value !== type) {
      throw new ExpressionError(ExpressionErrorCode.InvalidValue, `'${name}' must be a ${type}, but the value given is ${describe(value)}`, node.position);
    }
    return value;
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `a ${typeof value}`;
}
