import { Type } from 'class-transformer';
import {
  IsIn,
  IsIP,
  IsISO31661Alpha2,
  IsISO4217CurrencyCode,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  registerDecorator,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';

import { CHANNELS, TRANSACTION_TYPES } from './transaction';

/** The largest amount accepted, in major units: beyond it a message is a contract break, not a payment. */
export const MAX_AMOUNT = 1_000_000_000;
const DECIMAL = /^(0|[1-9]\d{0,9})(\.\d{1,2})?$/;
/** ISO-8601 with a date, a time and an explicit zone (Z or ±hh:mm). */
const ZONED_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** "1234.56" or 1234.56: positive, at most 2 decimals, at most MAX_AMOUNT. */
function IsAmount(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isAmount',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => parseAmountMinor(value) !== undefined,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be a decimal string or number > 0 with at most 2 decimals and at most ${MAX_AMOUNT}`,
      },
    });
}

/** The amount in minor units, or undefined if it breaks the contract. */
export function parseAmountMinor(value: unknown): number | undefined {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : typeof value === 'string' ? value : '';
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const minor = Number(match[1]) * 100 + Number((match[2] ?? '.').slice(1).padEnd(2, '0'));
  return minor > 0 && minor <= MAX_AMOUNT * 100 ? minor : undefined;
}

class PartyMessage {
  @IsString()
  @Length(1, 64)
  account!: string;

  @IsString()
  @IsISO31661Alpha2()
  country!: string;

  @IsString()
  @Length(1, 64)
  bank!: string;
}

class OriginatorMessage extends PartyMessage {
  @IsString()
  @Length(1, 64)
  customer!: string;
}

class BeneficiaryMessage extends PartyMessage {
  @IsOptional()
  @IsString()
  @Length(1, 64)
  customer?: string;
}

class MerchantMessage {
  @IsString()
  @Length(1, 64)
  id!: string;

  @IsString()
  @Matches(/^\d{4}$/, { message: 'mcc must be a 4-digit merchant category code' })
  mcc!: string;
}

class DeviceMessage {
  @IsString()
  @Length(1, 64)
  id!: string;

  @IsString()
  @IsIP()
  ip!: string;
}

/** The `transactions` topic's value, as outside producers send it (shared/PRODUCT.md). */
export class TransactionMessage {
  @IsString()
  @Length(1, 64)
  txId!: string;

  @IsString()
  @Matches(ZONED_TIMESTAMP, { message: 'ts must be an ISO-8601 timestamp with a zone' })
  ts!: string;

  @IsAmount()
  amount!: string | number;

  @IsString()
  @IsISO4217CurrencyCode()
  currency!: string;

  @IsIn(TRANSACTION_TYPES)
  type!: string;

  @IsIn(CHANNELS)
  channel!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => OriginatorMessage)
  originator!: OriginatorMessage;

  @IsObject()
  @ValidateNested()
  @Type(() => BeneficiaryMessage)
  beneficiary!: BeneficiaryMessage;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MerchantMessage)
  merchant?: MerchantMessage;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DeviceMessage)
  device?: DeviceMessage;
}
