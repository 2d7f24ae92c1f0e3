/**
 * Argument checks for the native boundary (STYLE R12: validate in TypeScript, trust in C++).
 * Every message starts with the offending argument's name, e.g.
 * `times: expected Float64Array of length 5, got Float32Array`.
 */
import { types } from 'node:util';

export type TypedArrayName = 'Int32Array' | 'Float64Array' | 'Uint8Array' | 'Float32Array';

// util.types checks work across realms (vm contexts, jest environments), unlike instanceof.
const IS_TYPED: Record<TypedArrayName, (value: unknown) => boolean> = {
  Int32Array: (value) => types.isInt32Array(value),
  Float64Array: (value) => types.isFloat64Array(value),
  Uint8Array: (value) => types.isUint8Array(value),
  Float32Array: (value) => types.isFloat32Array(value),
};

/** A short description of a value's type for error messages: `Float32Array`, `null`, `string`. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'Array';
  if (types.isTypedArray(value)) return (value as { [Symbol.toStringTag]: string })[Symbol.toStringTag];
  if (types.isArrayBufferView(value)) return 'DataView';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/** Throws a TypeError (wrong type) or RangeError (wrong length) unless `value` is a `kind` of `length`. */
export function expectTypedArray(name: string, value: unknown, kind: TypedArrayName, length?: number): void {
  const expected = length === undefined ? kind : `${kind} of length ${length}`;
  if (!IS_TYPED[kind](value)) {
    throw new TypeError(`${name}: expected ${expected}, got ${describeType(value)}`);
  }
  const actual = (value as ArrayLike<number>).length;
  if (length !== undefined && actual !== length) {
    throw new RangeError(`${name}: expected ${expected}, got ${kind} of length ${actual}`);
  }
}

/** Throws a RangeError naming the first element of `array` that is NaN or infinite. */
export function expectAllFinite(name: string, array: Float64Array): void {
  for (let i = 0; i < array.length; i++) {
    if (!Number.isFinite(array[i])) {
      throw new RangeError(`${name}[${i}]: expected a finite number, got ${array[i]}`);
    }
  }
}

/** Throws a TypeError/RangeError unless `value` is an integer in [min, max]. */
export function expectInteger(name: string, value: unknown, min: number, max: number): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`${name}: expected an integer, got ${describeType(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name}: expected an integer in [${min}, ${max}], got ${value}`);
  }
}

/** Throws a TypeError unless `value` is one of `allowed`. */
export function expectOneOf<T extends string | number>(
  name: string,
  value: unknown,
  allowed: readonly T[],
): asserts value is T {
  if (!allowed.includes(value as T)) {
    const list = allowed.map((item) => (typeof item === 'string' ? `'${item}'` : String(item))).join(', ');
    const got = typeof value === 'string' ? `'${value}'` : typeof value === 'number' ? String(value) : describeType(value);
    throw new TypeError(`${name}: expected one of ${list}, got ${got}`);
  }
}

/** Throws a TypeError unless `value` is a boolean (or undefined); returns it, false when undefined. */
export function optionalBoolean(name: string, value: unknown): boolean {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${name}: expected a boolean, got ${describeType(value)}`);
  return value ?? false;
}

/** Throws a TypeError unless `value` is a plain object (or undefined when `optional`). */
export function expectObject(name: string, value: unknown, optional: boolean): void {
  if (optional && value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name}: expected an object, got ${describeType(value)}`);
  }
}
