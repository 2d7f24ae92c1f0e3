import { ArithmeticOperator, ComparisonOperator, ExpressionNode, LiteralNode } from './ast';
import { ExpressionError, ExpressionErrorCode } from './expression.exception';
import { EXPRESSION_LIMITS } from './limits';
import { LineMap, SourcePosition, spanOf } from './source-position';
import { Token, TokenKind, tokenize } from './tokenizer';

const COMPARISON_OPERATORS: ReadonlySet<TokenKind> = new Set<TokenKind>(['<', '<=', '>', '>=', '==', '!=']);

/**
 * Recursive descent, precedence from loosest to tightest as in SQL and Python:
 *
 *   expression     := or
 *   or             := and ('or' and)*
 *   and            := not ('and' not)*
 *   not            := 'not' not | comparison
 *   comparison     := additive (('<'|'<='|'>'|'>='|'=='|'!=') additive | 'not'? 'in' list)?
 *   additive       := multiplicative (('+'|'-') multiplicative)*
 *   multiplicative := unary (('*'|'/'|'%') unary)*
 *   unary          := '-' unary | primary
 *   primary        := NUMBER | STRING | 'true' | 'false' | NAME | NAME '(' (expression (',' expression)*)? ')'
 *                   | '(' expression ')'
 *   list           := '[' (literal (',' literal)*)? ']'      literal := '-'? NUMBER | STRING | 'true' | 'false'
 *
 * Binary operators are left-associative; comparisons do not chain (`a < b < c` is an error, not
 * Python's `a < b and b < c`, so nobody is surprised either way).
 */
export class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;

  constructor(
    source: string,
    private readonly lines: LineMap = new LineMap(source),
  ) {
    this.tokens = tokenize(source, lines);
  }

  static parse(source: string, lines?: LineMap): ExpressionNode {
    return new Parser(source, lines).parse();
  }

  parse(): ExpressionNode {
    if (this.peek().kind === 'end') {
      throw new ExpressionError(ExpressionErrorCode.UnexpectedEnd, 'the expression is empty', this.peek().position);
    }
    const node = this.parseOr();
    const next = this.peek();
    if (next.kind !== 'end') {
      throw new ExpressionError(ExpressionErrorCode.UnexpectedToken, `unexpected '${next.text}' after a complete expression`, next.position);
    }
    return node;
  }

  private parseOr(): ExpressionNode {
    return this.parseLogical('or', () => this.parseAnd());
  }

  private parseAnd(): ExpressionNode {
    return this.parseLogical('and', () => this.parseNot());
  }

  /** `operand (operator operand)*`, left-associative. */
  private parseLogical(operator: 'and' | 'or', parseOperand: () => ExpressionNode): ExpressionNode {
    let left = parseOperand();
    while (this.peek().kind === operator) {
      const token = this.advance();
      const right = parseOperand();
      left = { kind: 'logical', operator, left, right, operatorPosition: token.position, position: this.span(left, right) };
    }
    return left;
  }

  private parseNot(): ExpressionNode {
    if (this.peek().kind !== 'not') return this.parseComparison();
    const operator = this.advance();
    this.enter(operator);
    const operand = this.parseNot();
    this.depth--;
    return { kind: 'not', operand, position: spanOf(this.lines, operator.position, operand.position) };
  }

  private parseComparison(): ExpressionNode {
    const left = this.parseAdditive();
    const node = this.parseComparisonTail(left);
    if (node === left) return node;
    const next = this.peek();
    if (COMPARISON_OPERATORS.has(next.kind) || next.kind === 'in' || (next.kind === 'not' && this.peek(1).kind === 'in')) {
      throw new ExpressionError(
        ExpressionErrorCode.ChainedComparison,
        `comparisons cannot be chained; join them with 'and' or use between(x, lo, hi)`,
        next.position,
      );
    }
    return node;
  }

  private parseComparisonTail(left: ExpressionNode): ExpressionNode {
    const next = this.peek();
    if (COMPARISON_OPERATORS.has(next.kind)) {
      const operator = this.advance();
      const right = this.parseAdditive();
      return {
        kind: 'comparison',
        operator: operator.kind as ComparisonOperator,
        left,
        right,
        operatorPosition: operator.position,
        position: this.span(left, right),
      };
    }
    const negated = next.kind === 'not';
    if (negated) {
      this.advance();
      this.expect('in', "'in' after 'not' here (x not in [...])");
    } else if (next.kind === 'in') {
      this.advance();
    } else {
      return left;
    }
    const { elements, position: listPosition } = this.parseList();
    return { kind: 'in', negated, operand: left, elements, listPosition, position: spanOf(this.lines, left.position, listPosition) };
  }

  private parseAdditive(): ExpressionNode {
    let left = this.parseMultiplicative();
    for (let kind = this.peek().kind; kind === '+' || kind === '-'; kind = this.peek().kind) {
      const operator = this.advance();
      const right = this.parseMultiplicative();
      left = { kind: 'arithmetic', operator: kind, left, right, operatorPosition: operator.position, position: this.span(left, right) };
    }
    return left;
  }

  private parseMultiplicative(): ExpressionNode {
    let left = this.parseUnary();
    for (let kind = this.peek().kind; kind === '*' || kind === '/' || kind === '%'; kind = this.peek().kind) {
      const operator = this.advance();
      const right = this.parseUnary();
      left = {
        kind: 'arithmetic',
        operator: kind as ArithmeticOperator,
        left,
        right,
        operatorPosition: operator.position,
        position: this.span(left, right),
      };
    }
    return left;
  }

  private parseUnary(): ExpressionNode {
    if (this.peek().kind !== '-') return this.parsePrimary();
    const operator = this.advance();
    this.enter(operator);
    const operand = this.parseUnary();
    this.depth--;
    return { kind: 'negate', operand, position: spanOf(this.lines, operator.position, operand.position) };
  }

  private parsePrimary(): ExpressionNode {
    const token = this.advance();
    switch (token.kind) {
      case 'number':
        return { kind: 'number', value: token.value as number, position: token.position };
      case 'string':
        return { kind: 'string', value: token.value as string, position: token.position };
      case 'true':
      case 'false':
        return { kind: 'boolean', value: token.kind === 'true', position: token.position };
      case 'identifier':
        return this.peek().kind === '(' ? this.parseCall(token) : { kind: 'identifier', name: token.text, position: token.position };
      case '(': {
        this.enter(token);
        const inner = this.parseOr();
        this.depth--;
        const close = this.expect(')', `')' to close the '(' at ${token.position.line}:${token.position.column}`);
        // The span takes the brackets in, so every node's span is a well-formed slice of the source.
        return { ...inner, position: spanOf(this.lines, token.position, close.position) };
      }
      default:
        throw this.unexpected(token, 'a value, a name, a function call or (');
    }
  }

  private parseCall(callee: Token): ExpressionNode {
    const open = this.advance();
    this.enter(open);
    const args: ExpressionNode[] = [];
    if (this.peek().kind !== ')') {
      for (;;) {
        if (args.length === EXPRESSION_LIMITS.maxListLength) {
          throw new ExpressionError(ExpressionErrorCode.ListTooLong, `a call takes at most ${EXPRESSION_LIMITS.maxListLength} arguments`, this.peek().position);
        }
        args.push(this.parseOr());
        if (this.peek().kind !== ',') break;
        this.advance();
      }
    }
    const close = this.expect(')', `',' or ')' in the call of ${callee.text}`);
    this.depth--;
    return { kind: 'call', callee: callee.text, calleePosition: callee.position, args, position: spanOf(this.lines, callee.position, close.position) };
  }

  private parseList(): { elements: LiteralNode[]; position: SourcePosition } {
    const open = this.expect('[', "'[' to start the list after 'in'");
    this.enter(open);
    const elements: LiteralNode[] = [];
    if (this.peek().kind !== ']') {
      for (;;) {
        if (elements.length === EXPRESSION_LIMITS.maxListLength) {
          throw new ExpressionError(ExpressionErrorCode.ListTooLong, `a list holds at most ${EXPRESSION_LIMITS.maxListLength} elements`, this.peek().position);
        }
        elements.push(this.parseLiteral());
        if (this.peek().kind !== ',') break;
        this.advance();
      }
    }
    const close = this.expect(']', "',' or ']' in the list");
    this.depth--;
    return { elements, position: spanOf(this.lines, open.position, close.position) };
  }

  private parseLiteral(): LiteralNode {
    const token = this.advance();
    switch (token.kind) {
      case 'number':
        return { kind: 'number', value: token.value as number, position: token.position };
      case 'string':
        return { kind: 'string', value: token.value as string, position: token.position };
      case 'true':
      case 'false':
        return { kind: 'boolean', value: token.kind === 'true', position: token.position };
      case '-': {
        const number = this.expect('number', 'a number after - in the list');
        return { kind: 'number', value: -(number.value as number), position: spanOf(this.lines, token.position, number.position) };
      }
      default:
        throw this.unexpected(token, 'a literal (lists hold numbers, texts or true/false)');
    }
  }

  /** Counts nesting so that `((((…))))` or `- - - - x` fails with an error, not a stack overflow. */
  private enter(token: Token): void {
    if (++this.depth > EXPRESSION_LIMITS.maxNestingDepth) {
      throw new ExpressionError(
        ExpressionErrorCode.NestingTooDeep,
        `the expression nests deeper than ${EXPRESSION_LIMITS.maxNestingDepth} levels here`,
        token.position,
      );
    }
  }

  private expect(kind: TokenKind, what: string): Token {
    const token = this.advance();
    if (token.kind !== kind) throw this.unexpected(token, what);
    return token;
  }

  private unexpected(token: Token, what: string): ExpressionError {
    if (token.kind === 'end') {
      return new ExpressionError(ExpressionErrorCode.UnexpectedEnd, `the expression ends where ${what} was expected`, token.position);
    }
    return new ExpressionError(ExpressionErrorCode.UnexpectedToken, `expected ${what}, found '${token.text}'`, token.position);
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)];
  }

  private advance(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private span(first: ExpressionNode, last: ExpressionNode): SourcePosition {
    return spanOf(this.lines, first.position, last.position);
  }
}
