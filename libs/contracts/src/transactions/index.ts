export * from './decode-transaction';
export * from './risk-decision';
export * from './transaction';
export { MAX_AMOUNT, parseAmountMinor, TransactionMessage } from './transaction.message';
