import { SourcePosition } from './source-position';

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';
export type ComparisonOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type LogicalOperator = 'and' | 'or';

/** A literal in an `in [...]` list; lists hold literals only, so they become a Set at compile time. */
export type LiteralNode = NumberNode | StringNode | BooleanNode;

export interface NumberNode {
  readonly kind: 'number';
  readonly value: number;
  readonly position: SourcePosition;
}
export interface StringNode {
  readonly kind: 'string';
  readonly value: string;
  readonly position: SourcePosition;
}
export interface BooleanNode {
  readonly kind: 'boolean';
  readonly value: boolean;
  readonly position: SourcePosition;
}
export interface IdentifierNode {
  readonly kind: 'identifier';
  readonly name: string;
  readonly position: SourcePosition;
}
export interface NegateNode {
  readonly kind: 'negate';
  readonly operand: ExpressionNode;
  readonly position: SourcePosition;
}
export interface NotNode {
  readonly kind: 'not';
  readonly operand: ExpressionNode;
  readonly position: SourcePosition;
}
export interface ArithmeticNode {
  readonly kind: 'arithmetic';
  readonly operator: ArithmeticOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
  readonly operatorPosition: SourcePosition;
  readonly position: SourcePosition;
}
export interface ComparisonNode {
  readonly kind: 'comparison';
  readonly operator: ComparisonOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
  readonly operatorPosition: SourcePosition;
  readonly position: SourcePosition;
}
export interface LogicalNode {
  readonly kind: 'logical';
  readonly operator: LogicalOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
  readonly operatorPosition: SourcePosition;
  readonly position: SourcePosition;
}
export interface InNode {
  readonly kind: 'in';
  readonly negated: boolean;
  readonly operand: ExpressionNode;
  readonly elements: readonly LiteralNode[];
  readonly listPosition: SourcePosition;
  readonly position: SourcePosition;
}
export interface CallNode {
  readonly kind: 'call';
  readonly callee: string;
  readonly calleePosition: SourcePosition;
  readonly args: readonly ExpressionNode[];
  readonly position: SourcePosition;
}

export type ExpressionNode =
  | NumberNode
  | StringNode
  | BooleanNode
  | IdentifierNode
  | NegateNode
  | NotNode
  | ArithmeticNode
  | ComparisonNode
  | LogicalNode
  | InNode
  | CallNode;

/** Every node below `node`, itself included, depth first (iterative: AST depth is bounded but not tiny). */
export function* walk(node: ExpressionNode): Generator<ExpressionNode> {
  const stack: ExpressionNode[] = [node];
  while (stack.length > 0) {
    const current = stack.pop() as ExpressionNode;
    yield current;
    const children = childrenOf(current);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
}

export function childrenOf(node: ExpressionNode): readonly ExpressionNode[] {
  switch (node.kind) {
    case 'negate':
    case 'not':
      return [node.operand];
    case 'arithmetic':
    case 'comparison':
    case 'logical':
      return [node.left, node.right];
    case 'in':
      return [node.operand, ...node.elements];
    case 'call':
      return node.args;
    default:
      return [];
  }
}
