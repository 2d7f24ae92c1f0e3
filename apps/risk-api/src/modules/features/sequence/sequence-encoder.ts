import { CHANNELS, Transaction, TRANSACTION_TYPES } from '@vigil/contracts';

import { FeatureConfig, resolveFeatureConfig } from '../feature-config';
import { DAY, SECOND } from '../windows/durations';
import { AccountTimeline, TimelineEvent } from './account-timeline';
import { SEQUENCE_CHANNELS } from './sequence-channels';

export interface SequenceConfig {
  /** K: steps per sequence, the scored transaction last. */
  steps: number;
  /** An account with nothing newer than this behind the watermark is forgotten (its next sequence starts afresh). */
  retentionMs: number;
}

export const DEFAULT_SEQUENCE_CONFIG: Readonly<SequenceConfig> = Object.freeze({ steps: 16, retentionMs: 90 * DAY });

/** Retained state, for metrics and the pruning tests. */
export interface SequenceEncoderStats {
  watermark: number;
  /** Accounts with a timeline (originators and beneficiaries). */
  accounts: number;
  /** Timeline entries, all accounts together (a transaction between two accounts counts twice). */
  events: number;
}

const MIN_SWEEP_INTERVAL = 10_000;
const LOG_AMOUNT_SCALE = 10;
const LOG_TIME_SCALE = Math.log1p((30 * DAY) / SECOND);
const D = SEQUENCE_CHANNELS.length;

function channel(name: string): number {
  const index = SEQUENCE_CHANNELS.indexOf(name);
  if (index < 0) throw new Error(`SEQUENCE_CHANNELS has no '${name}'`);
  return index;
}

const AT = {
  valid: channel('valid'),
  logAmount: channel('log_amount'),
  outgoing: channel('outgoing'),
  logGap: channel('log_gap'),
  logAge: channel('log_age'),
  hourSin: channel('hour_sin'),
  hourCos: channel('hour_cos'),
  type: channel(`type_${TRANSACTION_TYPES[0]}`),
  channel: channel(`channel_${CHANNELS[0]}`),
  crossBorder: channel('cross_border'),
  highRisk: channel('high_risk_country'),
  counterpartyRepeat: channel('counterparty_repeat'),
  ownDevice: channel('own_device'),
  deviceChange: channel('device_change'),
  round: channel('round_amount'),
  justBelow: channel('just_below_threshold'),
  tiny: channel('tiny_amount'),
};
const TYPE_INDEX = new Map<string, number>(TRANSACTION_TYPES.map((type, i) => [type, i]));
const CHANNEL_INDEX = new Map<string, number>(CHANNELS.map((name, i) => [name, i]));

const logTime = (ms: number): number => Math.min(1, Math.log1p(ms / SECOND) / LOG_TIME_SCALE);

/**
 * Turns each transaction into its originator account's recent history as a [K, D] float32 sequence
 * (channels in SEQUENCE_CHANNELS), statefully and in event time, like the FeatureEngine: the steps are
 * the account's K − 1 latest transactions (sent or received) with ts <= the scored one's, processed
 * before it, then the scored one; padding at the front.
 *
 * Memory is bounded: an account keeps K events plus those within `allowedLatenessMs` of the watermark,
 * and accounts idle for `retentionMs` are swept. Queries only see events newer than watermark −
 * retentionMs, so a sweep never changes a result; a transaction more than `allowedLatenessMs` late sees
 * only what is still retained.
 */
export class SequenceEncoder {
  readonly steps: number;
  readonly channels = D;
  private readonly retentionMs: number;
  private readonly features: Readonly<FeatureConfig>;
  private readonly highRisk: ReadonlySet<string>;
  private readonly justBelowFloorMinor: number;
  private readonly timelines = new Map<string, AccountTimeline>();
  private watermark = -Infinity;
  private recordedSinceSweep = 0;
  private sweepInterval = MIN_SWEEP_INTERVAL;

  /** `features` supplies the thresholds, high-risk countries and allowed lateness (as the engine's). */
  constructor(config: Partial<SequenceConfig> = {}, features: Partial<FeatureConfig> = {}) {
    const resolved = resolveSequenceConfig(config);
    this.steps = resolved.steps;
    this.retentionMs = resolved.retentionMs;
    this.features = resolveFeatureConfig(features);
    this.highRisk = new Set(this.features.highRiskCountries);
    const threshold = this.features.reportingThresholdMinor;
    this.justBelowFloorMinor = threshold - Math.floor((threshold * this.features.justBelowMarginPercent) / 100);
  }

  /** The sequence of `tx` against the history so far, then `tx` joins the history. */
  process(tx: Transaction): Float32Array {
    const sequence = new Float32Array(this.steps * D);
    this.processInto(tx, sequence, 0);
    return sequence;
  }

  /** As `process`, writing the K·D values into `target` from `offset` (batches without copies). */
  processInto(tx: Transaction, target: Float32Array, offset: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + this.steps * D > target.length) {
      throw new RangeError(`processInto: offset ${offset} leaves no room for ${this.steps * D} values in a target of ${target.length}`);
    }
    this.advance(tx.ts);
    const event = this.event(tx);
    this.encode(event, target, offset);
    this.record(event);
  }

  /** Adds `tx` to the history without encoding it (rebuilding state from storage). */
  observe(tx: Transaction): void {
    this.advance(tx.ts);
    this.record(this.event(tx));
  }

  /** Frees every account idle past retention now (it also happens by itself as events are recorded). */
  prune(): void {
    const floor = this.floor();
    for (const [account, timeline] of this.timelines) if (!timeline.prune(floor)) this.timelines.delete(account);
    this.recordedSinceSweep = 0;
    this.sweepInterval = Math.max(MIN_SWEEP_INTERVAL, this.timelines.size);
  }

  stats(): SequenceEncoderStats {
    let events = 0;
    for (const timeline of this.timelines.values()) events += timeline.size;
    return { watermark: this.watermark, accounts: this.timelines.size, events };
  }

  private advance(ts: number): void {
    if (ts > this.watermark) this.watermark = ts;
  }

  /** Events at or before this are forgotten. */
  private floor(): number {
    return this.watermark - this.retentionMs;
  }

  /** `tx` with the channels of its step that hold in every window: amount, time of day, kind, flags. */
  private event(tx: Transaction): TimelineEvent {
    const row = new Float32Array(D);
    const amount = tx.amountMinor;
    const angle = (2 * Math.PI * (((tx.ts % DAY) + DAY) % DAY)) / DAY;
    row[AT.valid] = 1;
    row[AT.logAmount] = Math.log1p(amount / 100) / LOG_AMOUNT_SCALE;
    row[AT.hourSin] = Math.sin(angle);
    row[AT.hourCos] = Math.cos(angle);
    row[AT.type + (TYPE_INDEX.get(tx.type) as number)] = 1;
    row[AT.channel + (CHANNEL_INDEX.get(tx.channel) as number)] = 1;
    row[AT.crossBorder] = tx.originator.country !== tx.beneficiary.country ? 1 : 0;
    row[AT.highRisk] = this.highRisk.has(tx.originator.country) || this.highRisk.has(tx.beneficiary.country) ? 1 : 0;
    row[AT.round] = amount % this.features.roundAmountUnitMinor === 0 ? 1 : 0;
    row[AT.justBelow] = amount >= this.justBelowFloorMinor && amount < this.features.reportingThresholdMinor ? 1 : 0;
    row[AT.tiny] = amount < this.features.tinyAmountLimitMinor ? 1 : 0;
    return { ts: tx.ts, tx, row };
  }

  /** The window's steps: each one's fixed row, then what depends on the owner and the steps before it. */
  private encode(current: TimelineEvent, target: Float32Array, offset: number): void {
    const owner = current.tx.originator.account;
    const t = current.ts;
    // K − 1 earlier steps, plus one more whose time gives the first step its gap.
    const steps = this.timelines.get(owner)?.before(t, this.floor(), this.steps) ?? [];
    const context = steps.length === this.steps ? steps.shift() : undefined;
    steps.push(current);
    const counterparties = new Set<string>();
    let previousTs = context?.ts;
    let lastDevice: string | undefined;

    target.fill(0, offset, offset + (this.steps - steps.length) * D);
    for (let i = 0; i < steps.length; i++) {
      const { tx: step, row } = steps[i];
      const at = offset + (this.steps - steps.length + i) * D;
      const outgoing = step.originator.account === owner;
      const counterparty = outgoing ? step.beneficiary.account : step.originator.account;
      target.set(row, at);
      target[at + AT.outgoing] = outgoing ? 1 : 0;
      target[at + AT.logGap] = previousTs === undefined ? 1 : logTime(step.ts - previousTs);
      target[at + AT.logAge] = logTime(t - step.ts);
      target[at + AT.counterpartyRepeat] = counterparties.has(counterparty) ? 1 : 0;
      if (outgoing && step.device) {
        target[at + AT.ownDevice] = 1;
        target[at + AT.deviceChange] = lastDevice !== undefined && lastDevice !== step.device.id ? 1 : 0;
        lastDevice = step.device.id;
      }
      counterparties.add(counterparty);
      previousTs = step.ts;
    }
  }

  private record(event: TimelineEvent): void {
    const { tx } = event;
    const floor = this.floor();
    // An event at or before the floor is already outside every window anyone can still ask about.
    if (tx.ts > floor) {
      const onTimeFrom = this.watermark - this.features.allowedLatenessMs;
      this.timeline(tx.originator.account).insert(event, onTimeFrom, floor);
      if (tx.beneficiary.account !== tx.originator.account) this.timeline(tx.beneficiary.account).insert(event, onTimeFrom, floor);
    }
    if (++this.recordedSinceSweep >= this.sweepInterval) this.prune();
  }

  private timeline(account: string): AccountTimeline {
    let timeline = this.timelines.get(account);
    if (timeline === undefined) this.timelines.set(account, (timeline = new AccountTimeline(this.steps)));
    return timeline;
  }
}

/** The defaults with `overrides` applied, checked; throws a RangeError listing every bad field. */
export function resolveSequenceConfig(overrides: Partial<SequenceConfig> = {}): Readonly<SequenceConfig> {
  const given = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined)) as Partial<SequenceConfig>;
  const config = { ...DEFAULT_SEQUENCE_CONFIG, ...given };
  const problems: string[] = [];
  if (!Number.isInteger(config.steps) || config.steps < 1 || config.steps > 256) problems.push(`steps must be an integer in 1..256, got ${config.steps}`);
  if (!Number.isSafeInteger(config.retentionMs) || config.retentionMs < DAY) problems.push(`retentionMs must be an integer >= 1 d, got ${config.retentionMs}`);
  if (problems.length > 0) throw new RangeError(`Invalid sequence configuration: ${problems.join('; ')}`);
  return Object.freeze(config);
}
