import { ExpressionNode, walk } from './ast';
import { compileNode } from './evaluator';
import { ExpressionError, ExpressionErrorCode } from './expression.exception';
import { Parser } from './parser';
import { LineMap } from './source-position';
import { TypeChecker } from './type-checker';
import { ExpressionSchema, ExpressionValues, schemaToMap, Value, ValueType } from './value-types';

type TypeOf<T extends ValueType> = T extends 'number' ? number : T extends 'string' ? string : boolean;

/** A parsed, type-checked expression, ready to run many times. */
export interface CompiledExpression<T extends Value = Value> {
  readonly source: string;
  readonly type: ValueType;
  readonly ast: ExpressionNode;
  /** The names the expression reads, in order of first appearance (for explanations and value checks). */
  readonly identifiers: readonly string[];
  /** Never throws when every identifier has a value of its schema type; see evaluator.ts for NaN rules. */
  evaluate(values: ExpressionValues): T;
}

export interface CompileOptions<T extends ValueType> {
  /** The type the whole expression must have (a rule condition: 'boolean'; a banded rule: 'number'). */
  readonly resultType?: T;
}

export type CompileResult<T extends Value> = { ok: true; expression: CompiledExpression<T> } | { ok: false; errors: ExpressionError[] };

/**
 * Parses and type-checks `source` against `schema`; returns every type error at once (a syntax error
 * stops at the first, since what follows it cannot be trusted).
 */
export function tryCompile<T extends ValueType = ValueType>(
  source: string,
  schema: ExpressionSchema | ReadonlyMap<string, ValueType>,
  options: CompileOptions<T> = {},
): CompileResult<TypeOf<T>> {
  if (typeof source !== 'string') {
    const start = { offset: 0, line: 1, column: 1, length: 0 };
    return { ok: false, errors: [new ExpressionError(ExpressionErrorCode.UnexpectedToken, 'the expression must be a text', start)] };
  }
  const lines = new LineMap(source);
  const types = schemaToMap(schema);
  let ast: ExpressionNode;
  try {
    ast = Parser.parse(source, lines);
  } catch (error) {
    if (error instanceof ExpressionError) return { ok: false, errors: [error] };
    throw error;
  }
  const { type, errors } = TypeChecker.check(ast, types);
  const wanted = options.resultType;
  if (errors.length === 0 && wanted !== undefined && type !== wanted) {
    errors.push(new ExpressionError(ExpressionErrorCode.WrongResultType, `the expression must give a ${wanted}, but it gives a ${type}`, ast.position));
  }
  if (errors.length > 0 || type === 'unknown') return { ok: false, errors };

  const evaluator = compileNode(ast, types);
  const identifiers = [...new Set([...walk(ast)].flatMap((node) => (node.kind === 'identifier' ? [node.name] : [])))];
  return {
    ok: true,
    expression: { source, type, ast, identifiers, evaluate: evaluator as (values: ExpressionValues) => TypeOf<T> },
  };
}

/** As tryCompile, but throws the first ExpressionError. */
export function compile<T extends ValueType = ValueType>(
  source: string,
  schema: ExpressionSchema | ReadonlyMap<string, ValueType>,
  options: CompileOptions<T> = {},
): CompiledExpression<TypeOf<T>> {
  const result = tryCompile(source, schema, options);
  if (!result.ok) throw result.errors[0];
  return result.expression;
}
