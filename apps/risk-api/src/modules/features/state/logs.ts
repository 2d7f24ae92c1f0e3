import { AmountProfile } from '../windows/amount-profile';
import { CounterpartyTotals } from '../windows/counterparty-totals';
import { EventLog, SlidingView } from '../windows/event-log';

const counterparties = (): CounterpartyTotals => new CounterpartyTotals();

/**
 * An account's outgoing transfers (`other` = beneficiary), with its 30 d amount profile and its
 * per-beneficiary totals (fan-out and pair velocity) over 24 h, 7 d and 30 d.
 */
export class OutgoingLog {
  readonly log = new EventLog();
  readonly profile30d = new SlidingView(this.log, () => new AmountProfile());
  readonly beneficiaries24h = new SlidingView(this.log, counterparties);
  readonly beneficiaries7d = new SlidingView(this.log, counterparties);
  readonly beneficiaries30d = new SlidingView(this.log, counterparties);
}

/** An account's incoming transfers (`other` = sender), with its senders (fan-in) over 24 h and 7 d. */
export class IncomingLog {
  readonly log = new EventLog();
  readonly senders24h = new SlidingView(this.log, counterparties);
  readonly senders7d = new SlidingView(this.log, counterparties);
}

/** A device's or an IP's transactions (`other` = originator), with the accounts that used it. */
export class SharedLog {
  readonly log = new EventLog();
  readonly originators24h = new SlidingView(this.log, counterparties);
}
