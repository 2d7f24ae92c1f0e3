import { Transaction } from '@vigil/contracts';

import { FeatureConfig, resolveFeatureConfig } from './feature-config';
import { FeatureVector } from './feature-names';
import { AccountState, EndpointState, StateIndex } from './state/entity-state';
import { IncomingLog, OutgoingLog, SharedLog } from './state/logs';
import { accountRoles, isHub } from './state/roles';
import { SeenSet, Sighting } from './state/sighting';
import { shortestCycleBack, TransferGraph } from './windows/cycle-search';
import { DayTotals } from './windows/day-totals';
import { DAY, HOUR, LONGEST_WINDOW, SECOND, utcHour, WINDOWS } from './windows/durations';
import { EventMark, NO_EVENT } from './windows/event-log';

/** Time-since-last-received is capped here (and reported as the cap when nothing came in). */
const LAST_IN_CAP = 7 * DAY;
const DORMANT_AFTER = 90 * DAY;
/** Known-for is capped at the longest baseline (35 d): beyond it, every account has a full history. */
const KNOWN_CAP = 35 * DAY;
/** Whole days before the transaction's day that merchant-category peers are averaged over. */
const PEER_DAYS = 30;
/** Sweep idle state after this many recorded events, or after as many as there are entities if more. */
const MIN_SWEEP_INTERVAL = 10_000;

const toMajor = (minor: number): number => minor / 100;
const flag = (condition: boolean): number => (condition ? 1 : 0);

/** Retained state, for metrics and the pruning tests; costs a walk over all state. */
export interface FeatureEngineStats {
  /** The latest event time processed. */
  watermark: number;
  /** Events held in the windowed logs, all keys and roles together. */
  events: number;
  /** Entities remembered (logs or "seen before" memory). */
  accounts: number;
  devices: number;
  ips: number;
  /** Merchant categories with peer totals. */
  categories: number;
  /** Per-originator "seen before" entries (beneficiaries, country pairs, devices, IPs). */
  remembered: number;
}

/** The parties of one transaction, looked up once for computing and recording. */
interface Parties {
  originator: AccountState;
  beneficiary: AccountState;
  device: EndpointState | undefined;
  ip: EndpointState | undefined;
}

/**
 * Turns each transaction into its feature vector, statefully and in event time. One instance holds
 * the state for the transactions it is fed (the service keeps one per process).
 *
 * Windows are exact and sliding: a window w of a transaction at t covers the already-processed
 * events with t − w < ts <= t. Late events are inserted in time order, so an event never sees one
 * processed after it with a later timestamp, and equal timestamps count when processed before.
 *
 * Retention: the windowed logs keep 35 d + `allowedLatenessMs` behind the watermark (the latest event
 * time seen); "seen before" memory keeps each id for `noveltyRetentionMs` after its last sighting.
 * Queries clamp to the same bounds, so physical pruning never changes a result: an event more than
 * `allowedLatenessMs` late only sees the history that is still retained.
 *
 * Everything is learned from the events themselves (roles and baselines included): no wall clock and
 * no state outside the engine, so `observe` over the retained history rebuilds it exactly.
 */
export class FeatureEngine {
  private readonly config: Readonly<FeatureConfig>;
  private readonly highRisk: ReadonlySet<string>;
  private readonly justBelowFloorMinor: number;
  private readonly historyMs: number;

  private watermark = NO_EVENT;
  private readonly accounts = new StateIndex(() => new AccountState());
  private readonly devices = new StateIndex(() => new EndpointState());
  private readonly ips = new StateIndex(() => new EndpointState());
  /** Merchant payments per category (MCC) and UTC day: the peers a merchant payment is compared with. */
  private readonly categories = new StateIndex(() => new DayTotals());
  // Stand-ins for keys without history, so that computing needs no undefined checks; never inserted into.
  private readonly noOutgoing = new OutgoingLog();
  private readonly noIncoming = new IncomingLog();
  private readonly noShared = new SharedLog();
  private readonly graph: TransferGraph = {
    outgoing: (account) => this.accounts.get(account)?.outgoing?.log,
    incoming: (account) => this.accounts.get(account)?.incoming?.log,
  };

  private recordedSinceSweep = 0;
  private sweepInterval = MIN_SWEEP_INTERVAL;

  constructor(config: Partial<FeatureConfig> = {}) {
    this.config = resolveFeatureConfig(config);
    this.highRisk = new Set(this.config.highRiskCountries);
    const threshold = this.config.reportingThresholdMinor;
    this.justBelowFloorMinor = threshold - Math.floor((threshold * this.config.justBelowMarginPercent) / 100);
    this.historyMs = LONGEST_WINDOW + this.config.allowedLatenessMs;
  }

  /** The features of `tx` against the history so far, then `tx` joins the history. */
  process(tx: Transaction): FeatureVector {
    this.advance(tx.ts);
    const parties = this.parties(tx);
    const features = this.compute(tx, parties);
    this.record(tx, parties);
    return features;
  }

  /** Adds `tx` to the history without computing its features (rebuilding state from storage). */
  observe(tx: Transaction): void {
    this.advance(tx.ts);
    this.record(tx, this.parties(tx));
  }

  /** Frees everything past retention now (it also happens by itself as events are recorded). */
  prune(): void {
    const floor = this.floor();
    const expiry = this.expiry();
    this.accounts.sweep(floor, expiry);
    this.devices.sweep(floor, expiry);
    this.ips.sweep(floor, expiry);
    this.categories.sweep(floor, expiry);
    this.recordedSinceSweep = 0;
    this.sweepInterval = Math.max(MIN_SWEEP_INTERVAL, this.accounts.size + this.devices.size + this.ips.size + this.categories.size);
  }

  stats(): FeatureEngineStats {
    let events = 0;
    let remembered = 0;
    for (const account of this.accounts.values()) {
      events += (account.outgoing?.log.size ?? 0) + (account.incoming?.log.size ?? 0);
      for (const set of [account.beneficiaries, account.countryPairs, account.devices, account.ips]) remembered += set?.size ?? 0;
    }
    for (const endpoint of [...this.devices.values(), ...this.ips.values()]) events += endpoint.log?.log.size ?? 0;
    return { watermark: this.watermark, events, accounts: this.accounts.size, devices: this.devices.size, ips: this.ips.size, categories: this.categories.size, remembered };
  }

  private advance(ts: number): void {
    if (ts > this.watermark) this.watermark = ts;
  }

  /** Events at or before this are gone from the windowed logs. */
  private floor(): number {
    return this.watermark - this.historyMs;
  }

  /** Sightings at or before this are forgotten. */
  private expiry(): number {
    return this.watermark - this.config.noveltyRetentionMs;
  }

  private parties(tx: Transaction): Parties {
    return {
      originator: this.accounts.obtain(tx.originator.account),
      beneficiary: this.accounts.obtain(tx.beneficiary.account),
      device: tx.device && this.devices.obtain(tx.device.id),
      ip: tx.device && this.ips.obtain(tx.device.ip),
    };
  }

  private marks(tx: Transaction): number {
    const amount = tx.amountMinor;
    let marks = amount < this.config.tinyAmountLimitMinor ? EventMark.Tiny : EventMark.None;
    if (this.isJustBelow(amount)) marks |= EventMark.JustBelow;
    if (tx.merchant) marks |= EventMark.Merchant;
    if (tx.type === 'DEBIT') marks |= EventMark.Debit;
    if (tx.type === 'TRANSFER' && !tx.merchant) marks |= EventMark.Transfer;
    // Cash moves between a customer and the bank's cash account; a deposit to oneself names no cash account.
    const cash = (tx.channel === 'ATM' || tx.channel === 'BRANCH') && tx.originator.account !== tx.beneficiary.account;
    if (cash && tx.type === 'CASH_IN') marks |= EventMark.CashIn;
    if (cash && tx.type === 'CASH_OUT') marks |= EventMark.CashOut;
    return marks;
  }

  private isJustBelow(amountMinor: number): boolean {
    return amountMinor >= this.justBelowFloorMinor && amountMinor < this.config.reportingThresholdMinor;
  }

  private compute(tx: Transaction, parties: Parties): FeatureVector {
    const t = tx.ts;
    const amount = tx.amountMinor;
    const originator = tx.originator.account;
    const beneficiary = tx.beneficiary.account;
    const device = tx.device;
    const floor = this.floor();
    const expiry = this.expiry();
    // Window starts (exclusive), never below the retention floor: see the class comment.
    const l1m = Math.max(t - WINDOWS['1m'], floor);
    const l1h = Math.max(t - WINDOWS['1h'], floor);
    const l24h = Math.max(t - WINDOWS['24h'], floor);
    const l7d = Math.max(t - WINDOWS['7d'], floor);
    const l30d = Math.max(t - WINDOWS['30d'], floor);
    const l35d = Math.max(t - WINDOWS['35d'], floor);

    const orig = parties.originator;
    const sent = orig.outgoing ?? this.noOutgoing;
    const out = sent.log;
    const intoBeneficiary = parties.beneficiary.incoming ?? this.noIncoming;
    const intoOriginator = orig.incoming ?? this.noIncoming;
    const byDevice = parties.device?.log ?? this.noShared;
    const byIp = parties.ip?.log ?? this.noShared;

    // The current transaction counts in velocity, structuring and card-testing counts; device and IP
    // features are 0 when the transaction has none.
    const hasDevice = flag(device !== undefined);
    const tiny = flag(amount < this.config.tinyAmountLimitMinor);
    const justBelow = flag(this.isJustBelow(amount));

    const origCount1h = out.count(l1h, t) + 1;
    const origCount24h = out.count(l24h, t) + 1;
    const deviceCount1m = hasDevice * (byDevice.log.count(l1m, t) + 1);
    const deviceCount1h = hasDevice * (byDevice.log.count(l1h, t) + 1);

    const beneficiaries24h = sent.beneficiaries24h.query(l24h, t);
    const beneficiaries7d = sent.beneficiaries7d.query(l7d, t);
    const beneficiaries30d = sent.beneficiaries30d.query(l30d, t);

    const profile = sent.profile30d.query(l30d, t);
    const history = profile.count;
    const rank = profile.rank(amount);
    const hour = utcHour(t);

    const before = out.previousTs(t, orig.sent.latest(expiry));
    const previous = before > expiry ? before : NO_EVENT;
    const lastIn = intoOriginator.log.latest(floor, t);
    const inSum24h = intoOriginator.log.sum(l24h, t);
    const cycle = this.cycleLength(originator, beneficiary, l7d, t);

    const roundUnit = this.config.roundAmountUnitMinor;

    const beneRoles = accountRoles(parties.beneficiary, l30d, l35d, t);
    const origRoles = accountRoles(orig, l30d, l35d, t);
    // Baselines: the mean per day over the 30 d before the last 24 h, or over as much of it as the
    // account has been known for (a new account has no baseline, not a tiny one).
    const dayAgo = t - DAY;
    const baselineDays = (account: AccountState): number => Math.max(1, (dayAgo - Math.max(l30d, firstSeen(account, expiry))) / DAY);
    const receivedPerDay = intoBeneficiary.log.count(l30d, dayAgo) / baselineDays(parties.beneficiary);
    const transfersPerDay = out.countMarked(EventMark.Transfer, l30d, dayAgo) / baselineDays(orig);
    const transferBeneficiaries = sent.transferBeneficiaries24h.query(l24h, t);
    const transferFanOut = this.marks(tx) & EventMark.Transfer ? transferBeneficiaries.sizeWith(beneficiary) : transferBeneficiaries.size;
    const beneFanIn24h = intoBeneficiary.senders24h.query(l24h, t).sizeWith(originator);
    const received30d = intoBeneficiary.log.count(l30d, t);
    const peers = tx.merchant ? this.categories.get(tx.merchant.mcc)?.query(t, PEER_DAYS, floor) : undefined;

    return {
      orig_count_1m: out.count(l1m, t) + 1,
      orig_count_1h: origCount1h,
      orig_count_24h: origCount24h,
      orig_count_7d: out.count(l7d, t) + 1,
      orig_count_30d: out.count(l30d, t) + 1,
      orig_sum_1m: toMajor(out.sum(l1m, t) + amount),
      orig_sum_1h: toMajor(out.sum(l1h, t) + amount),
      orig_sum_24h: toMajor(out.sum(l24h, t) + amount),
      orig_sum_7d: toMajor(out.sum(l7d, t) + amount),
      orig_sum_30d: toMajor(out.sum(l30d, t) + amount),
      bene_count_1h: intoBeneficiary.log.count(l1h, t) + 1,
      bene_count_24h: intoBeneficiary.log.count(l24h, t) + 1,
      bene_count_7d: intoBeneficiary.log.count(l7d, t) + 1,
      bene_sum_1h: toMajor(intoBeneficiary.log.sum(l1h, t) + amount),
      bene_sum_24h: toMajor(intoBeneficiary.log.sum(l24h, t) + amount),
      bene_sum_7d: toMajor(intoBeneficiary.log.sum(l7d, t) + amount),
      device_count_1m: deviceCount1m,
      device_count_1h: deviceCount1h,
      device_count_24h: hasDevice * (byDevice.log.count(l24h, t) + 1),
      device_sum_1h: hasDevice * toMajor(byDevice.log.sum(l1h, t) + amount),
      device_sum_24h: hasDevice * toMajor(byDevice.log.sum(l24h, t) + amount),
      ip_count_1m: hasDevice * (byIp.log.count(l1m, t) + 1),
      ip_count_1h: hasDevice * (byIp.log.count(l1h, t) + 1),
      ip_count_24h: hasDevice * (byIp.log.count(l24h, t) + 1),
      ip_sum_24h: hasDevice * toMajor(byIp.log.sum(l24h, t) + amount),
      pair_count_24h: beneficiaries24h.count(beneficiary) + 1,
      pair_count_7d: beneficiaries7d.count(beneficiary) + 1,
      pair_count_30d: beneficiaries30d.count(beneficiary) + 1,
      pair_sum_24h: toMajor(beneficiaries24h.sum(beneficiary) + amount),
      pair_sum_30d: toMajor(beneficiaries30d.sum(beneficiary) + amount),

      tx_amount: toMajor(amount),
      orig_amount_avg_30d: history > 0 ? toMajor(profile.sum / history) : 0,
      orig_amount_zscore_30d: profile.zScore(amount),
      orig_amount_ratio_max_30d: history > 0 ? amount / profile.max : 0,
      orig_amount_pct_30d: history > 0 ? (rank.below + rank.equal / 2) / history : 0.5,

      orig_new_beneficiary: flag(!seenBy(orig.beneficiaries, beneficiary, t, expiry)),
      orig_new_country_pair: flag(!seenBy(orig.countryPairs, countryPair(tx), t, expiry)),
      orig_new_device: device ? flag(!seenBy(orig.devices, device.id, t, expiry)) : 0,
      orig_new_ip: device ? flag(!seenBy(orig.ips, device.ip, t, expiry)) : 0,
      ip_new: parties.ip ? flag(!parties.ip.seen.seen(t, expiry)) : 0,
      orig_new_account: flag(!orig.seen.seen(t, expiry)),
      bene_new_account: flag(!parties.beneficiary.seen.seen(t, expiry)),

      tx_cross_border: flag(tx.originator.country !== tx.beneficiary.country),
      tx_high_risk_country: flag(this.highRisk.has(tx.originator.country) || this.highRisk.has(tx.beneficiary.country)),
      tx_round_amount: flag(amount % roundUnit === 0),
      tx_round_amount_x10: flag(amount % (10 * roundUnit) === 0),
      tx_just_below_threshold: justBelow,
      orig_just_below_count_24h: out.countMarked(EventMark.JustBelow, l24h, t) + justBelow,
      orig_just_below_count_7d: out.countMarked(EventMark.JustBelow, l7d, t) + justBelow,

      tx_hour_utc: hour,
      orig_secs_since_last: (previous === NO_EVENT ? this.config.noveltyRetentionMs : t - previous) / SECOND,
      orig_dormancy_days: previous === NO_EVENT ? 0 : (t - previous) / DAY,
      orig_dormant_90d: flag(previous !== NO_EVENT && t - previous > DORMANT_AFTER),
      orig_hour_unusualness_30d: 1 - (profile.inHour(hour) + 1) / (history + 24),

      orig_fan_out_24h: beneficiaries24h.sizeWith(beneficiary),
      orig_fan_out_7d: beneficiaries7d.sizeWith(beneficiary),
      bene_fan_in_24h: beneFanIn24h,
      bene_fan_in_7d: intoBeneficiary.senders7d.query(l7d, t).sizeWith(originator),
      orig_fan_in_24h: intoOriginator.senders24h.query(l24h, t).size,
      orig_fan_in_7d: intoOriginator.senders7d.query(l7d, t).size,
      orig_pass_through_24h: inSum24h > 0 ? (out.sum(l24h, t) + amount) / inSum24h : 0,
      orig_secs_since_last_in: (lastIn === NO_EVENT ? LAST_IN_CAP : Math.min(t - lastIn, LAST_IN_CAP)) / SECOND,
      orig_fast_forward_1h: flag(lastIn !== NO_EVENT && t - lastIn < HOUR),
      pair_closes_cycle_7d: flag(cycle > 0),
      pair_cycle_length_7d: cycle,

      tx_has_device: hasDevice,
      device_distinct_orig_24h: hasDevice * byDevice.originators24h.query(l24h, t).sizeWith(originator),
      ip_distinct_orig_24h: hasDevice * byIp.originators24h.query(l24h, t).sizeWith(originator),

      orig_tiny_count_1m: out.countMarked(EventMark.Tiny, l1m, t) + tiny,
      orig_tiny_count_1h: out.countMarked(EventMark.Tiny, l1h, t) + tiny,
      device_tiny_count_1m: hasDevice * (byDevice.log.countMarked(EventMark.Tiny, l1m, t) + tiny),
      device_tiny_count_1h: hasDevice * (byDevice.log.countMarked(EventMark.Tiny, l1h, t) + tiny),
      orig_burst_ratio_1h_24h: (origCount1h * 24) / origCount24h,
      device_burst_ratio_1m_1h: device ? (deviceCount1m * 60) / deviceCount1h : 0,

      bene_merchant_score_30d: beneRoles.merchant,
      bene_biller_score_30d: beneRoles.biller,
      bene_cash_score_30d: beneRoles.cash,
      bene_payroll_score_35d: beneRoles.payroll,
      bene_collector_score_35d: beneRoles.collector,
      bene_hub_35d: flag(isHub(beneRoles)),
      orig_merchant_score_30d: origRoles.merchant,
      orig_biller_score_30d: origRoles.biller,
      orig_cash_score_30d: origRoles.cash,
      orig_payroll_score_35d: origRoles.payroll,
      orig_collector_score_35d: origRoles.collector,
      orig_hub_35d: flag(isHub(origRoles)),

      bene_fan_in_ratio_24h: beneFanIn24h / (1 + receivedPerDay),
      orig_fan_out_ratio_24h: transferFanOut / (1 + transfersPerDay),
      bene_amount_ratio_30d: received30d > 0 ? (amount * received30d) / intoBeneficiary.log.sum(l30d, t) : 0,
      tx_amount_vs_mcc_30d: peers && peers.count > 0 ? (amount * peers.count) / peers.sum : 0,

      orig_known_days_35d: knownDays(orig.seen, t, expiry),
      bene_known_days_35d: knownDays(parties.beneficiary.seen, t, expiry),
    };
  }

  /** A direct transfer back (B → O) is read off B's 7 d beneficiary totals: it costs no search budget. */
  private cycleLength(originator: string, beneficiary: string, lower: number, t: number): number {
    if (originator === beneficiary) return 0;
    const back = this.accounts.get(beneficiary)?.outgoing;
    if (back && back.beneficiaries7d.query(lower, t).has(originator)) return 2;
    return shortestCycleBack(this.graph, originator, beneficiary, lower, t, this.config.cycleSearchBudget);
  }

  private record(tx: Transaction, parties: Parties): void {
    const t = tx.ts;
    const amount = tx.amountMinor;
    const originator = tx.originator.account;
    const beneficiary = tx.beneficiary.account;
    const orig = parties.originator;
    const floor = this.floor();
    const expiry = this.expiry();
    // An event at or before the floor is already outside every window anyone can still ask about.
    if (t > floor) {
      const marks = this.marks(tx);
      const sent = (orig.outgoing ??= new OutgoingLog()).log;
      sent.prune(floor);
      sent.insert(t, amount, beneficiary, marks, orig.sent.latest(expiry));
      const received = (parties.beneficiary.incoming ??= new IncomingLog()).log;
      received.prune(floor);
      received.insert(t, amount, originator, marks, NO_EVENT);
      for (const endpoint of [parties.device, parties.ip]) {
        if (endpoint === undefined) continue;
        const used = (endpoint.log ??= new SharedLog()).log;
        used.prune(floor);
        used.insert(t, amount, originator, marks, NO_EVENT);
      }
      if (tx.merchant) this.categories.obtain(tx.merchant.mcc).add(t, amount);
    }
    orig.sent.record(t, expiry);
    orig.seen.record(t, expiry);
    parties.beneficiary.seen.record(t, expiry);
    (orig.beneficiaries ??= new SeenSet()).record(beneficiary, t, expiry);
    (orig.countryPairs ??= new SeenSet()).record(countryPair(tx), t, expiry);
    if (tx.device) {
      (orig.devices ??= new SeenSet()).record(tx.device.id, t, expiry);
      (orig.ips ??= new SeenSet()).record(tx.device.ip, t, expiry);
    }
    parties.device?.seen.record(t, expiry);
    parties.ip?.seen.record(t, expiry);
    if (++this.recordedSinceSweep >= this.sweepInterval) this.prune();
  }
}

/**
 * How long this platform has known an account, capped at KNOWN_CAP: novelty and baselines mean
 * something only for an account watched long enough to have a usual (a bank's first days on the
 * platform, or an account just opened, know none).
 */
const knownDays = (seen: Sighting, t: number, expiry: number): number => (seen.seen(t, expiry) ? Math.min(t - seen.first, KNOWN_CAP) / DAY : 0);

const countryPair = (tx: Transaction): string => `${tx.originator.country}>${tx.beneficiary.country}`;

/** When the engine first saw the account (any role), or +∞ when it is forgotten. */
const firstSeen = (account: AccountState, expiry: number): number => (account.seen.forgotten(expiry) ? Infinity : account.seen.first);

const seenBy = (set: SeenSet | undefined, id: string, t: number, expiry: number): boolean => set !== undefined && set.seen(id, t, expiry);
