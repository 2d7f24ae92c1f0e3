/** A bank transaction as the platform works with it, after the contract check (see transaction.message.ts). */
export const TRANSACTION_TYPES = ['TRANSFER', 'PAYMENT', 'CASH_IN', 'CASH_OUT', 'DEBIT'] as const;
export const CHANNELS = ['ONLINE', 'MOBILE', 'BRANCH', 'ATM', 'POS', 'API'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];
export type Channel = (typeof CHANNELS)[number];

export interface Party {
  account: string;
  customer?: string;
  /** ISO 3166 alpha-2 */
  country: string;
  bank: string;
}

export interface Transaction {
  txId: string;
  /** Event time, epoch milliseconds. */
  ts: number;
  /** The amount in minor units (cents): money is never a float here. */
  amountMinor: number;
  /** ISO 4217 */
  currency: string;
  type: TransactionType;
  channel: Channel;
  originator: Party & { customer: string };
  beneficiary: Party;
  merchant?: { id: string; mcc: string };
  device?: { id: string; ip: string };
}
