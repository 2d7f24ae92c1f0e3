import 'reflect-metadata';

import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

import { Transaction, TransactionType, Channel } from './transaction';
import { parseAmountMinor, TransactionMessage } from './transaction.message';

/** Why a `transactions` message was refused; the dead-letter `error-code` header. */
export enum TransactionRejection {
  TooLarge = 'TOO_LARGE',
  NotJson = 'NOT_JSON',
  NotAnObject = 'NOT_AN_OBJECT',
  InvalidFields = 'INVALID_FIELDS',
  BadTimestamp = 'BAD_TIMESTAMP',
  KeyMismatch = 'KEY_MISMATCH',
}

/** No valid transaction comes near this; anything larger is refused before it is parsed. */
export const MAX_TRANSACTION_BYTES = 16 * 1024;

export type DecodedTransaction = { ok: true; transaction: Transaction } | { ok: false; code: TransactionRejection; message: string };

const reject = (code: TransactionRejection, message: string): DecodedTransaction => ({ ok: false, code, message });

/**
 * Checks one `transactions` message against the contract and turns it into a Transaction.
 * Unknown extra fields are ignored; the key must be the originator's account.
 */
export function decodeTransaction(key: Buffer | null, value: Buffer | null): DecodedTransaction {
  if (value === null || value.length === 0) return reject(TransactionRejection.NotJson, 'the message has no value');
  if (value.length > MAX_TRANSACTION_BYTES) return reject(TransactionRejection.TooLarge, `the value is ${value.length} bytes; at most ${MAX_TRANSACTION_BYTES} are accepted`);
  let plain: unknown;
  try {
    plain = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return reject(TransactionRejection.NotJson, `the value is not JSON: ${(error as Error).message}`);
  }
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) return reject(TransactionRejection.NotAnObject, 'the value must be a JSON object');

  const message = plainToInstance(TransactionMessage, plain);
  const errors = validateSync(message, { whitelist: true });
  if (errors.length > 0) return reject(TransactionRejection.InvalidFields, describe(errors).join('; '));

  const ts = Date.parse(message.ts);
  if (Number.isNaN(ts)) return reject(TransactionRejection.BadTimestamp, `ts ${message.ts} is not a real instant`);
  if (key === null || key.toString('utf8') !== message.originator.account) {
    return reject(TransactionRejection.KeyMismatch, `the key must be the originator account ${message.originator.account}`);
  }
  return {
    ok: true,
    transaction: {
      txId: message.txId,
      ts,
      amountMinor: parseAmountMinor(message.amount) as number,
      currency: message.currency,
      type: message.type as TransactionType,
      channel: message.channel as Channel,
      originator: { ...message.originator },
      beneficiary: { ...message.beneficiary },
      ...(message.merchant ? { merchant: { ...message.merchant } } : {}),
      ...(message.device ? { device: { ...message.device } } : {}),
    },
  };
}

/** `originator.country: must be a valid ISO31661 Alpha2 code`, one entry per broken constraint, values left out. */
function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((text) => `${path}: ${text.replace(`${error.property} `, '')}`);
    return [...own, ...describe(error.children ?? [], `${path}.`)];
  });
}
