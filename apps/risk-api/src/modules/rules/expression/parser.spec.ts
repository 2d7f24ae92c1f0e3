import { ExpressionNode } from './ast';
import { ExpressionErrorCode } from './expression.exception';
import { Parser } from './parser';
import { errorOf } from './testing/error-of';

/** A fully parenthesised rendering that shows the tree's shape. */
function shape(node: ExpressionNode): string {
  switch (node.kind) {
    case 'number':
    case 'boolean':
      return String(node.value);
    case 'string':
      return JSON.stringify(node.value);
    case 'identifier':
      return node.name;
    case 'negate':
      return `(- ${shape(node.operand)})`;
    case 'not':
      return `(not ${shape(node.operand)})`;
    case 'arithmetic':
    case 'comparison':
    case 'logical':
      return `(${node.operator} ${shape(node.left)} ${shape(node.right)})`;
    case 'in':
      return `(${node.negated ? 'not-in' : 'in'} ${shape(node.operand)} [${node.elements.map(shape).join(' ')}])`;
    case 'call':
      return `(${node.callee} ${node.args.map(shape).join(' ')})`;
  }
}

describe(Parser.name, () => {
  it.each([
    ['1 + 2 * 3', '(+ 1 (* 2 3))'],
    ['(1 + 2) * 3', '(* (+ 1 2) 3)'],
    ['1 - 2 - 3', '(- (- 1 2) 3)'],
    ['8 / 4 / 2', '(/ (/ 8 4) 2)'],
    ['7 % 4 * 2', '(* (% 7 4) 2)'],
    ['-2 * 3', '(* (- 2) 3)'],
    ['- -a', '(- (- a))'],
    ['a + b > c * 2', '(> (+ a b) (* c 2))'],
    ['a or b and c', '(or a (and b c))'],
    ['a and b or c and d', '(or (and a b) (and c d))'],
    ['a or b or c', '(or (or a b) c)'],
    ['not a and b', '(and (not a) b)'],
    ['not a == b', '(not (== a b))'],
    ['not not a', '(not (not a))'],
    ['x in [1, -2, 3.5]', '(in x [1 -2 3.5])'],
    ["x not in ['a', \"b\"]", '(not-in x ["a" "b"])'],
    ['x + 1 in [2] and y', '(and (in (+ x 1) [2]) y)'],
    ['not x in []', '(not (in x []))'],
    ['max(a, b + 1, 3) >= abs(-c)', '(>= (max a (+ b 1) 3) (abs (- c)))'],
    ['between(x, 1, 2) or f()', '(or (between x 1 2) (f ))'],
    ['true != false', '(!= true false)'],
  ])('parses %s as %s', (source, expected) => {
    // Act
    const ast = Parser.parse(source);

    // Assert
    expect(shape(ast)).toBe(expected);
  });

  it('puts a position on every node, spanning its whole source', () => {
    // Prepare
    const source = 'a +\n  (b * 2) > 3';

    // Act
    const ast = Parser.parse(source);

    // Assert
    if (ast.kind !== 'comparison' || ast.left.kind !== 'arithmetic') throw new Error('unexpected shape');
    expect(ast.position).toEqual({ offset: 0, line: 1, column: 1, length: source.length });
    expect(ast.operatorPosition).toEqual({ offset: 14, line: 2, column: 11, length: 1 });
    expect(ast.left.right.position).toEqual({ offset: 6, line: 2, column: 3, length: 7 });
    expect(ast.right.position).toEqual({ offset: 16, line: 2, column: 13, length: 1 });
  });

  it('spans calls from the name to the closing bracket and lists from [ to ]', () => {
    // Prepare
    const source = "abs(x) in [1, 2] or c not in ['z']";

    // Act
    const ast = Parser.parse(source);

    // Assert
    if (ast.kind !== 'logical' || ast.left.kind !== 'in' || ast.right.kind !== 'in' || ast.left.operand.kind !== 'call') throw new Error('unexpected shape');
    expect(ast.left.operand.position).toMatchObject({ offset: 0, length: 6 });
    expect(ast.left.operand.calleePosition).toMatchObject({ offset: 0, length: 3 });
    expect(ast.left.listPosition).toMatchObject({ offset: 10, length: 6 });
    expect(ast.right.position).toMatchObject({ offset: 20, length: 14 });
  });

  it.each([
    ['1 < x < 3', 7],
    ['a == b == c', 8],
    ['a < b in [1]', 7],
    ['a in [1] not in [2]', 10],
  ])('refuses the chained comparison %s at column %d', (source, column) => {
    // Act
    const error = errorOf(() => Parser.parse(source));

    // Assert
    expect(error.code).toBe(ExpressionErrorCode.ChainedComparison);
    expect(error.position.column).toBe(column);
  });

  it.each([
    ['', ExpressionErrorCode.UnexpectedEnd, 0, 0],
    ['   ', ExpressionErrorCode.UnexpectedEnd, 3, 0],
    ['a +', ExpressionErrorCode.UnexpectedEnd, 3, 0],
    ['(a', ExpressionErrorCode.UnexpectedEnd, 2, 0],
    ['a b', ExpressionErrorCode.UnexpectedToken, 2, 1],
    ['a > )', ExpressionErrorCode.UnexpectedToken, 4, 1],
    ['x in 1', ExpressionErrorCode.UnexpectedToken, 5, 1],
    ['x in [y]', ExpressionErrorCode.UnexpectedToken, 6, 1],
    ['x in [1 2]', ExpressionErrorCode.UnexpectedToken, 8, 1],
    ['x not y', ExpressionErrorCode.UnexpectedToken, 6, 1],
    ['f(1,)', ExpressionErrorCode.UnexpectedToken, 4, 1],
    ['x in [-a]', ExpressionErrorCode.UnexpectedToken, 7, 1],
  ])('refuses %j with %s at offset %d', (source, code, offset, length) => {
    // Act
    const error = errorOf(() => Parser.parse(source));

    // Assert
    expect(error.code).toBe(code);
    expect(error.position).toMatchObject({ offset, length });
  });
});
