import { assertUnreachable } from '@vigil/platform';
import { CallNode, ExpressionNode, InNode } from './ast';
import { ExpressionError, ExpressionErrorCode } from './expression.exception';
import { FUNCTIONS, maxArgs, minArgs, paramType } from './functions';
import { suggest } from './suggest';
import { ValueType } from './value-types';

/** `unknown` marks a subtree that already has an error, so one mistake is reported once. */
type CheckedType = ValueType | 'unknown';

/**
 * Infers the type of every node against the schema and collects every problem, each at the
 * position of the operand or name that is wrong. Strict: no implicit conversions, `==` only
 * between equal types, ordering comparisons and arithmetic on numbers only.
 */
export class TypeChecker {
  readonly errors: ExpressionError[] = [];

  constructor(private readonly schema: ReadonlyMap<string, ValueType>) {}

  static check(node: ExpressionNode, schema: ReadonlyMap<string, ValueType>): { type: CheckedType; errors: ExpressionError[] } {
    const checker = new TypeChecker(schema);
    const type = checker.typeOf(node);
    return { type, errors: checker.errors };
  }

  typeOf(node: ExpressionNode): CheckedType {
    switch (node.kind) {
      case 'number':
      case 'string':
      case 'boolean':
        return node.kind;
      case 'identifier': {
        const type = this.schema.get(node.name);
        if (type !== undefined) return type;
        const suggestion = suggest(node.name, this.schema.keys());
        this.errors.push(
          new ExpressionError(
            ExpressionErrorCode.UnknownIdentifier,
            `unknown identifier '${node.name}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
            node.position,
            suggestion,
          ),
        );
        return 'unknown';
      }
      case 'negate':
        this.require(node.operand, 'number', "unary '-'");
        return 'number';
      case 'not':
        this.require(node.operand, 'boolean', "'not'");
        return 'boolean';
      case 'arithmetic':
        this.require(node.left, 'number', `'${node.operator}'`);
        this.require(node.right, 'number', `'${node.operator}'`);
        return 'number';
      case 'logical':
        this.require(node.left, 'boolean', `'${node.operator}'`);
        this.require(node.right, 'boolean', `'${node.operator}'`);
        return 'boolean';
      case 'comparison': {
        if (node.operator !== '==' && node.operator !== '!=') {
          this.require(node.left, 'number', `'${node.operator}'`);
          this.require(node.right, 'number', `'${node.operator}'`);
          return 'boolean';
        }
        const left = this.typeOf(node.left);
        const right = this.typeOf(node.right);
        if (left !== 'unknown' && right !== 'unknown' && left !== right) {
          this.errors.push(
            new ExpressionError(ExpressionErrorCode.TypeMismatch, `'${node.operator}' compares a ${left} with a ${right}`, node.position),
          );
        }
        return 'boolean';
      }
      case 'in':
        this.checkIn(node);
        return 'boolean';
      case 'call':
        return this.checkCall(node);
      default:
        return assertUnreachable(node);
    }
  }

  private checkIn(node: InNode): void {
    const operand = this.typeOf(node.operand);
    const listType = node.elements.length > 0 ? node.elements[0].kind : undefined;
    const expected = operand !== 'unknown' ? operand : listType;
    for (const element of node.elements) {
      if (expected !== undefined && element.kind !== expected) {
        this.errors.push(
          new ExpressionError(
            ExpressionErrorCode.TypeMismatch,
            operand !== 'unknown' ? `the list holds a ${element.kind} but the value tested is a ${operand}` : `the list mixes ${expected} and ${element.kind}`,
            element.position,
          ),
        );
        return;
      }
    }
  }

  private checkCall(node: CallNode): CheckedType {
    const spec = FUNCTIONS.get(node.callee);
    if (spec === undefined) {
      const suggestion = suggest(node.callee, FUNCTIONS.keys());
      this.errors.push(
        new ExpressionError(
          ExpressionErrorCode.UnknownFunction,
          `unknown function '${node.callee}'${suggestion ? `; did you mean '${suggestion}'?` : ''} (known: ${[...FUNCTIONS.keys()].join(', ')})`,
          node.calleePosition,
          suggestion,
        ),
      );
      node.args.forEach((arg) => this.typeOf(arg));
      return 'unknown';
    }
    if (node.args.length < minArgs(spec) || node.args.length > maxArgs(spec)) {
      const wanted = minArgs(spec) === maxArgs(spec) ? `${minArgs(spec)}` : `${minArgs(spec)} to ${maxArgs(spec)}`;
      this.errors.push(
        new ExpressionError(
          ExpressionErrorCode.WrongArgumentCount,
          `${spec.signature} takes ${wanted} argument${maxArgs(spec) === 1 ? '' : 's'}, not ${node.args.length}`,
          node.position,
        ),
      );
    }
    node.args.forEach((arg, index) => this.require(arg, paramType(spec, index), `argument ${index + 1} of ${spec.signature}`));
    return spec.result;
  }

  private require(node: ExpressionNode, expected: ValueType, context: string): void {
    const actual = this.typeOf(node);
    if (actual !== 'unknown' && actual !== expected) {
      this.errors.push(new ExpressionError(ExpressionErrorCode.TypeMismatch, `${context} needs a ${expected}, not a ${actual}`, node.position));
    }
  }
}
