import { EventMark } from '../windows/event-log';
import { AccountState } from './entity-state';

/** Pseudo-events without evidence that every share starts from: no role until there is evidence. */
export const ROLE_PRIOR_EVENTS = 5;
/** Distinct counterparties at which a breadth score reaches 0.5. */
export const BREADTH_HALF = 10;
/** A role score at or above this makes the account a structural hub. */
export const HUB_SCORE = 0.5;

/** The share of `events` that are evidence, shrunk towards 0 while there are few. */
export const shareScore = (evidence: number, events: number): number => evidence / (events + ROLE_PRIOR_EVENTS);

/** Many distinct counterparties → towards 1; none → 0. */
export const breadthScore = (distinct: number): number => distinct / (distinct + BREADTH_HALF);

/** What an account's own history says it is, each score in [0, 1]. */
export interface AccountRoles {
  /** Paid through the `merchant` field (card payments, merchant-collected debits). */
  merchant: number;
  /** Collects direct debits. */
  biller: number;
  /** The cash account of ATM/branch withdrawals (it receives CASH_OUT) and deposits (it pays CASH_IN). */
  cash: number;
  /** One-to-many: the distinct beneficiaries of its transfers (payroll, supplier runs). */
  payroll: number;
  /** Many-to-one: the distinct payers of its incoming transfers and debits (billers, landlords, charities). */
  collector: number;
}

export const NO_ROLES: Readonly<AccountRoles> = Object.freeze({ merchant: 0, biller: 0, cash: 0, payroll: 0, collector: 0 });

/**
 * An account's roles as of t, from the events processed before: type evidence (merchant, debit,
 * cash), which only the network or the bank sets, over (l30d, t]; breadth (payroll, collector) over
 * (l35d, t − ROLE_LAG], history a burst happening now cannot be part of. Window starts are clamped
 * by the caller (retention floor).
 */
export function accountRoles(account: AccountState, l30d: number, l35d: number, t: number): AccountRoles {
  const incoming = account.incoming;
  const outgoing = account.outgoing;
  if (incoming === undefined && outgoing === undefined) return NO_ROLES;
  const received = incoming?.log.count(l30d, t) ?? 0;
  const sent = outgoing?.log.count(l30d, t) ?? 0;
  const receivedMarked = (mark: typeof EventMark.Merchant | typeof EventMark.Debit | typeof EventMark.CashOut): number =>
    incoming?.log.countMarked(mark, l30d, t) ?? 0;
  const cashIn = outgoing?.log.countMarked(EventMark.CashIn, l30d, t) ?? 0;
  return {
    merchant: shareScore(receivedMarked(EventMark.Merchant), received),
    biller: shareScore(receivedMarked(EventMark.Debit), received),
    cash: shareScore(receivedMarked(EventMark.CashOut) + cashIn, received + sent),
    payroll: breadthScore(outgoing?.payees35d.query(l35d, t).size ?? 0),
    collector: breadthScore(incoming?.collected35d.query(l35d, t).size ?? 0),
  };
}

/** Any role strong enough: a merchant, biller, cash, payroll or collecting account is a hub by nature. */
export const isHub = (roles: AccountRoles): boolean =>
  Math.max(roles.merchant, roles.biller, roles.cash, roles.payroll, roles.collector) >= HUB_SCORE;
