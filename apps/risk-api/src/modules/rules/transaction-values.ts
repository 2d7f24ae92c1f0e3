import { ExpressionValues, Value, ValueType } from './expression';

/**
 * The transaction fields rules may read, beside the features. Every field always has a value:
 * optional parts of the contract get a neutral one, so evaluation never meets a missing name.
 */
export const TRANSACTION_FIELDS = {
  /** Major units (amountMinor / 100), for thresholds written as people write them: tx.amount >= 10_000. */
  'tx.amount': 'number',
  'tx.currency': 'string',
  /** TRANSFER | PAYMENT | CASH_IN | CASH_OUT | DEBIT */
  'tx.type': 'string',
  /** ONLINE | MOBILE | BRANCH | ATM | POS | API */
  'tx.channel': 'string',
  'tx.originator.country': 'string',
  'tx.originator.bank': 'string',
  'tx.beneficiary.country': 'string',
  'tx.beneficiary.bank': 'string',
  /** '' when the transaction has no merchant. */
  'tx.merchant.mcc': 'string',
  'tx.has_device': 'boolean',
} as const satisfies Record<string, ValueType>;

/** The parts of a contract Transaction (libs/contracts) that rules read; structural, so any Transaction fits. */
export interface RuleTransaction {
  readonly amountMinor: number;
  readonly currency: string;
  readonly type: string;
  readonly channel: string;
  readonly originator: { readonly country: string; readonly bank: string };
  readonly beneficiary: { readonly country: string; readonly bank: string };
  readonly merchant?: { readonly mcc: string };
  readonly device?: unknown;
}

/** The values for TRANSACTION_FIELDS, merged over the features into one prototype-free record. */
export function ruleValues(tx: RuleTransaction, features: ExpressionValues = {}): ExpressionValues {
  const values: Record<string, Value> = Object.create(null) as Record<string, Value>;
  for (const [name, value] of Object.entries(features)) values[name] = value;
  values['tx.amount'] = tx.amountMinor / 100;
  values['tx.currency'] = tx.currency;
  values['tx.type'] = tx.type;
  values['tx.channel'] = tx.channel;
  values['tx.originator.country'] = tx.originator.country;
  values['tx.originator.bank'] = tx.originator.bank;
  values['tx.beneficiary.country'] = tx.beneficiary.country;
  values['tx.beneficiary.bank'] = tx.beneficiary.bank;
  values['tx.merchant.mcc'] = tx.merchant?.mcc ?? '';
  values['tx.has_device'] = tx.device !== undefined;
  return values;
}
