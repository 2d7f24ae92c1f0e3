import { AmountProfile } from '../windows/amount-profile';
import { CounterpartyTotals } from '../windows/counterparty-totals';
import { DAY } from '../windows/durations';
import { EventLog, EventMark, SlidingView } from '../windows/event-log';

/** Roles judged on breadth look at history at least this old, so a burst cannot vouch for itself. */
export const ROLE_LAG = 7 * DAY;

const counterparties = (): CounterpartyTotals => new CounterpartyTotals();
const counterpartiesMarked = (marks: number) => (): CounterpartyTotals => new CounterpartyTotals(marks);

/**
 * An account's outgoing transfers (`other` = beneficiary), with its 30 d amount profile, its
 * per-beneficiary totals (fan-out and pair velocity) over 24 h, 7 d and 30 d, and the beneficiaries
 * of its account-to-account transfers over 24 h (fan-out against its baseline) and over the lagged
 * role window (one-to-many payer).
 */
export class OutgoingLog {
  readonly log = new EventLog([EventMark.Tiny, EventMark.JustBelow, EventMark.Transfer, EventMark.CashIn]);
  readonly profile30d = new SlidingView(this.log, () => new AmountProfile());
  readonly beneficiaries24h = new SlidingView(this.log, counterparties);
  readonly beneficiaries7d = new SlidingView(this.log, counterparties);
  readonly beneficiaries30d = new SlidingView(this.log, counterparties);
  readonly transferBeneficiaries24h = new SlidingView(this.log, counterpartiesMarked(EventMark.Transfer));
  readonly payees35d = new SlidingView(this.log, counterpartiesMarked(EventMark.Transfer), ROLE_LAG);
}

/**
 * An account's incoming transfers (`other` = sender), with its senders (fan-in) over 24 h and 7 d,
 * and those who paid it by transfer or direct debit over the lagged role window (many-to-one).
 */
export class IncomingLog {
  readonly log = new EventLog([EventMark.Merchant, EventMark.Debit, EventMark.CashOut]);
  readonly senders24h = new SlidingView(this.log, counterparties);
  readonly senders7d = new SlidingView(this.log, counterparties);
  readonly collected35d = new SlidingView(this.log, counterpartiesMarked(EventMark.Transfer | EventMark.Debit), ROLE_LAG);
}

/** A device's or an IP's transactions (`other` = originator), with the accounts that used it. */
export class SharedLog {
  readonly log = new EventLog([EventMark.Tiny]);
  readonly originators24h = new SlidingView(this.log, counterparties);
}
