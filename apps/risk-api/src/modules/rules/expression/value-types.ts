/** The three kinds of value the language knows; features are numbers (flags are 0/1). */
export type ValueType = 'number' | 'string' | 'boolean';
export type Value = number | string | boolean;

/** Known names and their types, e.g. `{ orig_count_1h: 'number', 'tx.currency': 'string' }`. */
export type ExpressionSchema = Readonly<Record<string, ValueType>>;

/** One transaction's values by name; read with own-property checks only (no prototype lookups). */
export type ExpressionValues = Readonly<Record<string, Value>>;

export const VALUE_TYPES: readonly ValueType[] = ['number', 'string', 'boolean'];

/**
 * A schema as a Map, so `constructor`, `__proto__` or `toString` are unknown unless declared.
 * Entries with a type the language does not know are left out.
 */
export function schemaToMap(schema: ExpressionSchema | ReadonlyMap<string, ValueType>): ReadonlyMap<string, ValueType> {
  if (schema instanceof Map) return schema;
  const map = new Map<string, ValueType>();
  for (const [name, type] of Object.entries(schema)) if (VALUE_TYPES.includes(type)) map.set(name, type);
  return map;
}
