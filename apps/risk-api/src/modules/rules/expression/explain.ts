import { ComparisonOperator, ExpressionNode, LiteralNode, walk } from './ast';
import { CompiledExpression } from './compile';
import { ExpressionValues, Value } from './value-types';

/** What one name held when a rule fired, and which of the rule's tests on it held, e.g. `> 10`. */
export interface InputExplanation {
  readonly name: string;
  readonly value: Value;
  readonly matched: readonly string[];
}

/** A test of a name against constants, found in the source: `orig_count_1h > 10`, `tx.channel in [...]`. */
interface Constraint {
  readonly name: string;
  readonly text: string;
  readonly holds: (value: Value) => boolean;
}

const FLIPPED: Record<ComparisonOperator, ComparisonOperator> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

/** Constraints are found once per compiled expression and kept here, not on the expression. */
const constraintCache = new WeakMap<CompiledExpression, readonly Constraint[]>();

/**
 * For each name the expression reads: its value, and the constant tests on it that hold, so an
 * analyst sees `orig_count_1h = 12 (> 10)` rather than the whole expression.
 */
export function explainInputs(expression: CompiledExpression, values: ExpressionValues): InputExplanation[] {
  let constraints = constraintCache.get(expression);
  if (constraints === undefined) {
    constraints = findConstraints(expression.ast);
    constraintCache.set(expression, constraints);
  }
  return expression.identifiers.map((name) => {
    const value = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : Number.NaN;
    const matched = (constraints as readonly Constraint[]).filter((c) => c.name === name && c.holds(value)).map((c) => c.text);
    return { name, value, matched: [...new Set(matched)] };
  });
}

/** `orig_count_1h = 12 (> 10); tx.channel = 'ONLINE' (in ['ONLINE', 'MOBILE'])` */
export function formatInputs(inputs: readonly InputExplanation[]): string {
  return inputs.map((input) => `${input.name} = ${formatValue(input.value)}${input.matched.length > 0 ? ` (${input.matched.join(', ')})` : ''}`).join('; ');
}

/** Integers as they are, other numbers to 6 decimals at most, texts quoted. */
export function formatValue(value: Value): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'boolean') return String(value);
  if (Number.isNaN(value)) return 'NaN';
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  return String(Math.round(value * 1e6) / 1e6);
}

function findConstraints(ast: ExpressionNode): Constraint[] {
  const found: Constraint[] = [];
  for (const node of walk(ast)) {
    if (node.kind === 'comparison') {
      const leftConstant = constantOf(node.left);
      const rightConstant = constantOf(node.right);
      if (node.left.kind === 'identifier' && rightConstant !== undefined) found.push(comparison(node.left.name, node.operator, rightConstant));
      else if (node.right.kind === 'identifier' && leftConstant !== undefined) found.push(comparison(node.right.name, FLIPPED[node.operator], leftConstant));
    } else if (node.kind === 'in' && node.operand.kind === 'identifier') {
      const members = new Set(node.elements.map((element) => element.value));
      const list = `[${node.elements.map((element) => formatValue(element.value)).join(', ')}]`;
      found.push({
        name: node.operand.name,
        text: `${node.negated ? 'not in' : 'in'} ${list}`,
        holds: node.negated ? (value) => value === value && !members.has(value) : (value) => members.has(value),
      });
    } else if (node.kind === 'call' && node.callee === 'between' && node.args.length === 3 && node.args[0].kind === 'identifier') {
      const lo = constantOf(node.args[1]);
      const hi = constantOf(node.args[2]);
      if (typeof lo === 'number' && typeof hi === 'number') {
        found.push({
          name: node.args[0].name,
          text: `between ${formatValue(lo)} and ${formatValue(hi)}`,
          holds: (value) => (value as number) >= lo && (value as number) <= hi,
        });
      }
    }
  }
  return found;
}

function comparison(name: string, operator: ComparisonOperator, constant: Value): Constraint {
  const text = `${operator} ${formatValue(constant)}`;
  switch (operator) {
    case '<':
      return { name, text, holds: (value) => value < constant };
    case '<=':
      return { name, text, holds: (value) => value <= constant };
    case '>':
      return { name, text, holds: (value) => value > constant };
    case '>=':
      return { name, text, holds: (value) => value >= constant };
    case '==':
      return { name, text, holds: (value) => value === constant };
    case '!=':
      return { name, text, holds: (value) => value !== constant && value === value };
  }
}

/** A literal, or a negated number literal (`-5` parses as negate(5)). */
function constantOf(node: ExpressionNode): Value | undefined {
  if (isLiteral(node)) return node.value;
  if (node.kind === 'negate' && node.operand.kind === 'number') return -node.operand.value;
  return undefined;
}

function isLiteral(node: ExpressionNode): node is LiteralNode {
  return node.kind === 'number' || node.kind === 'string' || node.kind === 'boolean';
}
