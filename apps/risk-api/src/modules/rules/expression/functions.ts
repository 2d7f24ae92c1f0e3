import { Value, ValueType } from './value-types';

/**
 * The whitelist of callable functions. Nothing else is reachable from an expression: names resolve
 * through this Map only.
 */
export interface FunctionSpec {
  readonly name: string;
  /** Types of the fixed parameters. */
  readonly params: readonly ValueType[];
  /** When set, the last parameter type repeats up to `maxArgs` arguments in all. */
  readonly maxArgs?: number;
  readonly result: ValueType;
  readonly signature: string;
  readonly implementation: (...args: Value[]) => Value;
}

const num = (f: (...xs: number[]) => Value) => f as (...args: Value[]) => Value;

const SPECS: readonly FunctionSpec[] = [
  { name: 'abs', params: ['number'], result: 'number', signature: 'abs(x)', implementation: num((x) => Math.abs(x)) },
  { name: 'min', params: ['number', 'number'], maxArgs: 16, result: 'number', signature: 'min(a, b, …)', implementation: num(Math.min) },
  { name: 'max', params: ['number', 'number'], maxArgs: 16, result: 'number', signature: 'max(a, b, …)', implementation: num(Math.max) },
  // Half away from zero, as SQL ROUND does; Math.round would turn -2.5 into -2.
  { name: 'round', params: ['number'], result: 'number', signature: 'round(x)', implementation: num((x) => Math.sign(x) * Math.round(Math.abs(x))) },
  { name: 'floor', params: ['number'], result: 'number', signature: 'floor(x)', implementation: num(Math.floor) },
  { name: 'ceil', params: ['number'], result: 'number', signature: 'ceil(x)', implementation: num(Math.ceil) },
  // Inclusive at both ends; false when x is NaN (see the division note in evaluator.ts).
  {
    name: 'between',
    params: ['number', 'number', 'number'],
    result: 'boolean',
    signature: 'between(x, lo, hi)',
    implementation: num((x, lo, hi) => x >= lo && x <= hi),
  },
  { name: 'lower', params: ['string'], result: 'string', signature: 'lower(s)', implementation: (s) => (s as string).toLowerCase() },
  { name: 'upper', params: ['string'], result: 'string', signature: 'upper(s)', implementation: (s) => (s as string).toUpperCase() },
  {
    name: 'starts_with',
    params: ['string', 'string'],
    result: 'boolean',
    signature: 'starts_with(s, prefix)',
    implementation: (s, prefix) => (s as string).startsWith(prefix as string),
  },
];

export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map(SPECS.map((spec) => [spec.name, spec]));

export function minArgs(spec: FunctionSpec): number {
  return spec.params.length;
}

export function maxArgs(spec: FunctionSpec): number {
  return spec.maxArgs ?? spec.params.length;
}

/** The expected type of argument `index` (variadic functions repeat their last parameter type). */
export function paramType(spec: FunctionSpec, index: number): ValueType {
  return spec.params[Math.min(index, spec.params.length - 1)];
}
