import { Channel, TransactionType } from '@vigil/contracts';

import { Rng } from '@vigil/platform';

/** One `transactions` message exactly as it goes on the wire (shared/PRODUCT.md). */
export interface TransactionWire {
  txId: string;
  ts: string;
  amount: string;
  currency: string;
  type: TransactionType;
  channel: Channel;
  originator: { account: string; customer: string; country: string; bank: string };
  beneficiary: { account: string; customer?: string; country: string; bank: string };
  merchant?: { id: string; mcc: string };
  device?: { id: string; ip: string };
}

export type Label = 'fraud' | 'aml' | 'benign';

/** Ground truth for one transaction: which injected pattern instance made it, if any. */
export interface TruthRecord {
  txId: string;
  /** `background` for ordinary traffic, else a pattern or decoy name. */
  pattern: string;
  /** e.g. `fan-out-003`; null for background traffic. */
  instance: string | null;
  label: Label;
  /** The transaction's part in its pattern (e.g. `in`, `out`, `hop`), where it has one. */
  role?: string;
}

export interface SimulatedTransaction {
  /** The Kafka key: the originator account. */
  key: string;
  message: TransactionWire;
  truth: TruthRecord;
}

export interface Device {
  id: string;
  ip: string;
}

/** An account in or outside the simulated bank's population. */
export interface Account {
  id: string;
  customer: string;
  country: string;
  bank: string;
  currency: string;
  /** Outside the population: the beneficiary's customer id is not known to the bank. */
  external: boolean;
}

export interface Merchant {
  id: string;
  mcc: string;
  account: Account;
  online: boolean;
  /** Typical ticket, major units. */
  median: number;
}

/** Numbers accounts outside the bank (landlords, foreign friends, mules' destinations) on demand. */
export interface ExternalAccountSource {
  create(rng: Rng, country: string): Account;
}

/** What the injected patterns need of a bank, whichever bank it is. */
export interface Population {
  /** The bank's own customer accounts: pattern members are drawn from these. */
  accounts: Account[];
  /** The holder of each own account: the devices they bank from and their net monthly income (major units). */
  customerOf: ReadonlyMap<string, { devices: Device[]; income: number }>;
  merchants: Merchant[];
  onlineMerchants: Merchant[];
  employers: Account[];
  /** The bank's country, where its customers' foreign counterparties usually are, and where laundered money goes. */
  geography: { home: string; neighbours: readonly string[]; highRisk: readonly string[] };
  /** The counterparty the bank books a cash withdrawal or deposit of `account` against, at an ATM or a branch. */
  cashAccount(rng: Rng, account: Account, channel: 'ATM' | 'BRANCH'): Account;
  /** The channel of a transfer a customer makes from one of their devices. */
  appChannel(rng: Rng): Channel;
  /** A fundraiser (merchant and account) that customers donate to. */
  charity(rng: Rng): Merchant;
}

/** A transaction before it is given its txId and its place in event-time order. */
export interface Draft {
  ts: number;
  amountMinor: number;
  type: TransactionType;
  channel: Channel;
  from: Account;
  to: Account;
  merchant?: Merchant;
  device?: Device;
  role?: string;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Minor units to the contract's decimal string: 123456 → "1234.56". */
export function formatAmount(minor: number): string {
  const whole = Math.floor(minor / 100);
  return `${whole}.${String(minor % 100).padStart(2, '0')}`;
}

/** Major units (a float) to whole minor units, never below one cent. */
export function toMinor(major: number): number {
  return Math.max(1, Math.round(major * 100));
}

export function toWire(txId: string, draft: Draft): TransactionWire {
  const { from, to } = draft;
  return {
    txId,
    ts: new Date(draft.ts).toISOString(),
    amount: formatAmount(draft.amountMinor),
    currency: from.currency,
    type: draft.type,
    channel: draft.channel,
    originator: { account: from.id, customer: from.customer, country: from.country, bank: from.bank },
    beneficiary: to.external ? { account: to.id, country: to.country, bank: to.bank } : { account: to.id, customer: to.customer, country: to.country, bank: to.bank },
    ...(draft.merchant ? { merchant: { id: draft.merchant.id, mcc: draft.merchant.mcc } } : {}),
    ...(draft.device ? { device: { id: draft.device.id, ip: draft.device.ip } } : {}),
  };
}
