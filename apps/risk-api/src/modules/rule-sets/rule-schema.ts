import { FEATURE_NAMES } from '../features';
import { ExpressionSchema, TRANSACTION_FIELDS, ValueType } from '../rules';

/** What rules may read: every feature the engine computes (numbers; flags are 0/1) and the transaction's fields. */
export const RULE_SCHEMA: ExpressionSchema = Object.freeze({
  ...Object.fromEntries(FEATURE_NAMES.map((name): [string, ValueType] => [name, 'number'])),
  ...TRANSACTION_FIELDS,
});
