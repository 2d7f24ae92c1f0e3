import { DDSketch } from '@datadog/sketches-js';

import { Decision, decisionFor, fromMicros, SCORE_SCALE, ScoreMicros, toMicros } from '../rules';

/**
 * DDSketch's relative accuracy: the score it returns at a rank is within ±1 % of the true one. A
 * threshold of 0.0050 is placed between 0.00495 and 0.00505, which moves the flagged share by far
 * less than the traffic's own noise, and a sketch of scores in (1e-6, 1] stays under 700 bins.
 */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

export interface AlertBudgetSettings {
  /** The share of transactions that may go to REVIEW or BLOCK, rules and model together. */
  readonly share: number;
  /** The part of the budget BLOCK may take at most: BLOCK stays with the highest scores. */
  readonly blockShare: number;
  /** Transactions per epoch: the window is the current epoch and the previous one. */
  readonly epochSize: number;
  /** Scores the window (or a segment's part of it) must hold before its quantiles replace the fallback. */
  readonly warmup: number;
  /** Transactions between two re-estimates. */
  readonly reestimateEvery: number;
}

/** The service's defaults (ALERT_BUDGET*), which offline replays (training cards) use too. */
export const DEFAULT_ALERT_BUDGET_SETTINGS: AlertBudgetSettings = { share: 0.01, blockShare: 0.1, epochSize: 50_000, warmup: 2_000, reestimateEvery: 1_000 };

/** A model's own thresholds (its manifest's), which decide until the window has warmed up. */
export interface ShippedThresholds {
  readonly review: number;
  readonly block: number;
}

/** `shipped`: warming up; `window`: the whole window's quantiles; `segment`: the segment's own. */
export type ThresholdBasis = 'shipped' | 'window' | 'segment';

export interface Thresholds {
  readonly review: number;
  readonly block: number;
  readonly basis: ThresholdBasis;
}

/** One re-estimate: the global thresholds, and those of each segment that has warmed up. */
export interface ThresholdSet {
  readonly global: Thresholds;
  readonly segments: Readonly<Record<string, Thresholds>>;
}

export interface OperatingThresholds extends Thresholds {
  /** The threshold set's version; null until one was adopted. */
  readonly version: number | null;
}

/** One decided transaction, as the budget counts it. */
export interface BudgetObservation {
  /** The model's score; null where no model scored (the rules' share and hit rates are still counted). */
  readonly score: number | null;
  /** The rules alone decided REVIEW or BLOCK. */
  readonly rulesFlagged: boolean;
  /** The ids of the rules that hit. */
  readonly rules?: readonly string[];
  readonly segment?: string;
}

export interface ShareReport {
  /** Transactions in the window, and how many of them a model scored. */
  readonly transactions: number;
  readonly scored: number;
  /** Share flagged by the rules alone, and by rules or model (the alert share). */
  readonly rulesFlaggedShare: number;
  readonly flaggedShare: number;
}

export interface RuleRate {
  readonly rule: string;
  readonly hits: number;
  /** Hits per transaction in the window. */
  readonly hitRate: number;
  /** Hits on transactions the rules flagged, per transaction. */
  readonly alertRate: number;
  /** The rule's hit rate alone exceeds the budget. */
  readonly noisy: boolean;
}

export interface AlertBudgetReport extends ShareReport {
  readonly share: number;
  readonly blockShare: number;
  readonly phase: 'warm-up' | 'operating';
  readonly warmup: number;
  readonly version: number | null;
  /** Null for a budget without a model. */
  readonly thresholds: ThresholdSet | null;
  readonly segments: Readonly<Record<string, ShareReport>>;
  /** Highest hit rate first. */
  readonly rules: readonly RuleRate[];
}

/** Everything a budget needs to continue exactly where it stopped (JSON-safe; sketches as base64 DDSketch protobuf). */
export interface AlertBudgetSnapshot {
  readonly format: 1;
  readonly share: number;
  readonly sinceEstimate: number;
  readonly operating: { readonly version: number; readonly thresholds: ThresholdSet } | null;
  readonly previous: EpochSnapshot | null;
  readonly current: EpochSnapshot;
}

export interface EpochSnapshot {
  readonly global: TallySnapshot;
  readonly segments: Readonly<Record<string, TallySnapshot>>;
  readonly rules: Readonly<Record<string, { readonly hits: number; readonly alerts: number }>>;
}

export interface TallySnapshot {
  readonly transactions: number;
  readonly rulesFlagged: number;
  readonly flagged: number;
  readonly scores: string;
  readonly unflaggedScores: string;
}

/**
 * The alert budget: REVIEW/BLOCK thresholds that hold a share of the traffic whatever population
 * the model meets, estimated from the live scores with DDSketch quantile sketches. Pure (no I/O,
 * no clock), so the service and an offline replay (training, benchmarks) run the very same math.
 *
 * The rules decide as they do and count against the budget: over the window, the rules flag a share
 * r, and the model gets the rest, max(share − r, share / 2). Its REVIEW threshold is the score that
 * that many of the transactions the rules let through reach, so what rules and model flag together
 * is the budget and no alert is counted twice. The floor of half the budget keeps the model
 * working when noisy rules eat the budget: the rules' own overshoot is then reported per rule, not
 * hidden by silencing the model. BLOCK takes the top `blockShare` of the budget by score, never
 * below the model's own block threshold nor below REVIEW.
 *
 * The window is two epochs of `epochSize` transactions: a full epoch becomes the previous one and
 * the one before is forgotten, so the thresholds follow the population. Until the window holds
 * `warmup` scores the shipped thresholds decide; a segment with fewer falls back to the global ones.
 * `observe` says when `reestimateEvery` transactions have passed; the caller then re-estimates and
 * stamps the new set with a version it allocated (`reestimate`, or `estimate` then `adopt`).
 */
export class AlertBudget {
  #share: number;
  readonly #settings: AlertBudgetSettings;
  readonly #shipped: ShippedThresholds | null;
  #previous: Epoch | null = null;
  #current = new Epoch();
  #sinceEstimate = 0;
  #operating: { version: number; thresholds: ThresholdSet } | null = null;

  /** `shipped` null: no model scores (rules alone); the budget then tracks the rules' share and hit rates only. */
  constructor(settings: AlertBudgetSettings, shipped: ShippedThresholds | null) {
    checkSettings(settings);
    if (shipped !== null) checkShipped(shipped);
    this.#settings = settings;
    this.#share = settings.share;
    this.#shipped = shipped;
  }

  /** The budget `snapshot` was taken from, at the share it had then (`setShare` brings it to today's). */
  static restore(settings: AlertBudgetSettings, shipped: ShippedThresholds | null, snapshot: AlertBudgetSnapshot): AlertBudget {
    if (snapshot.format !== 1) throw new RangeError(`alert budget snapshot format ${String(snapshot.format)} is not supported`);
    const budget = new AlertBudget({ ...settings, share: snapshot.share }, shipped);
    budget.#previous = snapshot.previous === null ? null : Epoch.restore(snapshot.previous);
    budget.#current = Epoch.restore(snapshot.current);
    budget.#sinceEstimate = snapshot.sinceEstimate;
    budget.#operating = snapshot.operating;
    return budget;
  }

  get share(): number {
    return this.#share;
  }

  get version(): number | null {
    return this.#operating?.version ?? null;
  }

  /** A new share is due for re-estimation at once. False if it is the share in force. */
  setShare(share: number): boolean {
    checkSettings({ ...this.#settings, share });
    if (share === this.#share) return false;
    this.#share = share;
    this.#sinceEstimate = Math.max(this.#sinceEstimate, this.#settings.reestimateEvery);
    return true;
  }

  /** The thresholds in force for a transaction of `segment`: the segment's own if it has warmed up, else the global ones. */
  thresholdsFor(segment?: string): OperatingThresholds {
    const set = this.#thresholds();
    if (set === null) throw new RangeError('a budget without a model has no thresholds');
    return { ...((segment !== undefined && set.segments[segment]) || set.global), version: this.version };
  }

  /** What the model's score decides for a transaction of `segment`, and the version of the thresholds that decided. */
  decide(score: number, segment?: string): { decision: Decision; version: number | null } {
    const { review, block, version } = this.thresholdsFor(segment);
    return { decision: decisionFor(toMicros(score), toMicros(review), toMicros(block)), version };
  }

  /** Counts a decided transaction; true once `reestimateEvery` transactions passed since the last estimate. */
  observe(observation: BudgetObservation): boolean {
    const { score, rulesFlagged, segment } = observation;
    if (score !== null && !(score >= 0 && score <= 1)) throw new RangeError(`a score must be in [0, 1], got ${score}`);
    const modelFlagged = score !== null && this.#shipped !== null && this.decide(score, segment).decision !== 'ALLOW';
    this.#current.add(observation, rulesFlagged || modelFlagged);
    if (this.#current.global.transactions >= this.#settings.epochSize) {
      this.#previous = this.#current;
      this.#current = new Epoch();
    }
    this.#sinceEstimate += 1;
    return this.due;
  }

  get due(): boolean {
    return this.#sinceEstimate >= this.#settings.reestimateEvery;
  }

  /** The thresholds the window supports now (nothing changes until they are adopted). */
  estimate(): ThresholdSet {
    const shipped = this.#shipped;
    if (shipped === null) throw new RangeError('a budget without a model has no thresholds to estimate');
    const window = this.#window();
    const global = window.global.scored >= this.#settings.warmup ? this.#estimate(window.global, shipped, 'window') : shippedSet(shipped).global;
    const segments: Record<string, Thresholds> = {};
    for (const [segment, tally] of window.segments) {
      if (tally.scored >= this.#settings.warmup) segments[segment] = this.#estimate(tally, shipped, 'segment');
    }
    return { global, segments };
  }

  /** Puts `thresholds` in force as `version`, which must be above the version in force. */
  adopt(thresholds: ThresholdSet, version: number): void {
    if (!Number.isSafeInteger(version) || version <= (this.version ?? 0)) {
      throw new RangeError(`a threshold version must be an integer above ${this.version ?? 0}, got ${version}`);
    }
    this.#operating = { version, thresholds };
    this.#sinceEstimate = 0;
  }

  /** `estimate` and `adopt` in one step. */
  reestimate(version: number): ThresholdSet {
    const thresholds = this.estimate();
    this.adopt(thresholds, version);
    return thresholds;
  }

  snapshot(): AlertBudgetSnapshot {
    return {
      format: 1,
      share: this.#share,
      sinceEstimate: this.#sinceEstimate,
      operating: this.#operating,
      previous: this.#previous?.snapshot() ?? null,
      current: this.#current.snapshot(),
    };
  }

  /** The window's shares against the budget, per segment, and each rule's hit rate. */
  report(): AlertBudgetReport {
    const window = this.#window();
    const transactions = window.global.transactions;
    const rate = (n: number) => (transactions === 0 ? 0 : n / transactions);
    const rules = [...window.rules]
      .map(([rule, { hits, alerts }]) => ({ rule, hits, hitRate: rate(hits), alertRate: rate(alerts), noisy: rate(hits) > this.#share }))
      .sort((a, b) => b.hits - a.hits || a.rule.localeCompare(b.rule));
    return {
      share: this.#share,
      blockShare: this.#settings.blockShare,
      phase: window.global.scored >= this.#settings.warmup ? 'operating' : 'warm-up',
      warmup: this.#settings.warmup,
      version: this.version,
      thresholds: this.#thresholds(),
      ...window.global.shares(),
      segments: Object.fromEntries([...window.segments].sort(([a], [b]) => a.localeCompare(b)).map(([segment, tally]) => [segment, tally.shares()])),
      rules,
    };
  }

  #estimate(window: WindowTally, shipped: ShippedThresholds, basis: ThresholdBasis): Thresholds {
    const rulesShare = window.transactions === 0 ? 0 : window.rulesFlagged / window.transactions;
    const modelShare = Math.max(this.#share - rulesShare, this.#share / 2);
    // The model flags modelShare of all transactions among those the rules let through.
    const modelFraction = Math.min(1, (modelShare * window.transactions) / window.unflaggedScores.count);
    const review = window.unflaggedScores.count === 0 ? toMicros(shipped.review) : atLeastOneMicro(window.unflaggedScores.getValueAtQuantile(1 - modelFraction));
    const topScores = window.scores.getValueAtQuantile(1 - this.#share * this.#settings.blockShare);
    const block = Math.min(SCORE_SCALE, Math.max(toMicros(shipped.block), atLeastOneMicro(topScores), review)) as ScoreMicros;
    return { review: fromMicros(review), block: fromMicros(block), basis };
  }

  #thresholds(): ThresholdSet | null {
    return this.#operating?.thresholds ?? (this.#shipped === null ? null : shippedSet(this.#shipped));
  }

  #window(): Window {
    return Window.of(this.#previous, this.#current);
  }
}

function shippedSet({ review, block }: ShippedThresholds): ThresholdSet {
  return { global: { review, block, basis: 'shipped' }, segments: {} };
}

/** A quantile as a threshold: a whole number of micro-units, never 0 (which would flag every transaction). */
function atLeastOneMicro(score: number) {
  return toMicros(Math.max(score, 1 / SCORE_SCALE));
}

function newSketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
}

/** Counts of one epoch, for the whole traffic or one segment. */
class Tally {
  transactions = 0;
  rulesFlagged = 0;
  flagged = 0;
  scores = newSketch();
  /** Scores of the transactions the rules did not flag: the model's share is placed among these. */
  unflaggedScores = newSketch();

  static restore(snapshot: TallySnapshot): Tally {
    const tally = new Tally();
    tally.transactions = snapshot.transactions;
    tally.rulesFlagged = snapshot.rulesFlagged;
    tally.flagged = snapshot.flagged;
    tally.scores = decodeSketch(snapshot.scores);
    tally.unflaggedScores = decodeSketch(snapshot.unflaggedScores);
    return tally;
  }

  add({ score, rulesFlagged }: BudgetObservation, flagged: boolean): void {
    this.transactions += 1;
    if (rulesFlagged) this.rulesFlagged += 1;
    if (flagged) this.flagged += 1;
    if (score === null) return;
    this.scores.accept(score);
    if (!rulesFlagged) this.unflaggedScores.accept(score);
  }

  snapshot(): TallySnapshot {
    return {
      transactions: this.transactions,
      rulesFlagged: this.rulesFlagged,
      flagged: this.flagged,
      scores: encodeSketch(this.scores),
      unflaggedScores: encodeSketch(this.unflaggedScores),
    };
  }
}

class Epoch {
  global = new Tally();
  segments = new Map<string, Tally>();
  rules = new Map<string, { hits: number; alerts: number }>();

  static restore(snapshot: EpochSnapshot): Epoch {
    const epoch = new Epoch();
    epoch.global = Tally.restore(snapshot.global);
    epoch.segments = new Map(Object.entries(snapshot.segments).map(([segment, tally]) => [segment, Tally.restore(tally)]));
    epoch.rules = new Map(Object.entries(snapshot.rules).map(([rule, counts]) => [rule, { ...counts }]));
    return epoch;
  }

  add(observation: BudgetObservation, flagged: boolean): void {
    this.global.add(observation, flagged);
    if (observation.segment !== undefined) {
      let tally = this.segments.get(observation.segment);
      if (tally === undefined) this.segments.set(observation.segment, (tally = new Tally()));
      tally.add(observation, flagged);
    }
    for (const rule of new Set(observation.rules ?? [])) {
      const counts = this.rules.get(rule) ?? { hits: 0, alerts: 0 };
      counts.hits += 1;
      if (observation.rulesFlagged) counts.alerts += 1;
      this.rules.set(rule, counts);
    }
  }

  snapshot(): EpochSnapshot {
    return {
      global: this.global.snapshot(),
      segments: Object.fromEntries([...this.segments].map(([segment, tally]) => [segment, tally.snapshot()])),
      rules: Object.fromEntries([...this.rules].map(([rule, counts]) => [rule, { ...counts }])),
    };
  }
}

/** The previous and current epochs merged: what the thresholds are estimated from. */
class WindowTally {
  transactions = 0;
  rulesFlagged = 0;
  flagged = 0;
  readonly scores = newSketch();
  readonly unflaggedScores = newSketch();

  get scored(): number {
    return this.scores.count;
  }

  merge(tally: Tally): void {
    this.transactions += tally.transactions;
    this.rulesFlagged += tally.rulesFlagged;
    this.flagged += tally.flagged;
    this.scores.merge(tally.scores);
    this.unflaggedScores.merge(tally.unflaggedScores);
  }

  shares(): ShareReport {
    const rate = (n: number) => (this.transactions === 0 ? 0 : n / this.transactions);
    return { transactions: this.transactions, scored: this.scored, rulesFlaggedShare: rate(this.rulesFlagged), flaggedShare: rate(this.flagged) };
  }
}

class Window {
  readonly global = new WindowTally();
  readonly segments = new Map<string, WindowTally>();
  readonly rules = new Map<string, { hits: number; alerts: number }>();

  static of(...epochs: (Epoch | null)[]): Window {
    const window = new Window();
    for (const epoch of epochs) {
      if (epoch === null) continue;
      window.global.merge(epoch.global);
      for (const [segment, tally] of epoch.segments) {
        let merged = window.segments.get(segment);
        if (merged === undefined) window.segments.set(segment, (merged = new WindowTally()));
        merged.merge(tally);
      }
      for (const [rule, { hits, alerts }] of epoch.rules) {
        const counts = window.rules.get(rule) ?? { hits: 0, alerts: 0 };
        window.rules.set(rule, { hits: counts.hits + hits, alerts: counts.alerts + alerts });
      }
    }
    return window;
  }
}

function encodeSketch(sketch: DDSketch): string {
  return Buffer.from(sketch.toProto()).toString('base64');
}

function decodeSketch(encoded: string): DDSketch {
  const sketch = DDSketch.fromProto(Buffer.from(encoded, 'base64'));
  // A sketch of another accuracy would not merge with this window's (DDSketch refuses), so say which it is.
  if (!sketch.mergeable(newSketch())) throw new RangeError(`an alert budget sketch must have relative accuracy ${SKETCH_RELATIVE_ACCURACY}`);
  return sketch;
}

function checkSettings(settings: AlertBudgetSettings): void {
  const { share, blockShare, epochSize, warmup, reestimateEvery } = settings;
  if (!(share > 0 && share < 1)) throw new RangeError(`the alert budget share must be in (0, 1), got ${share}`);
  if (!(blockShare > 0 && blockShare <= 1)) throw new RangeError(`the block share must be in (0, 1], got ${blockShare}`);
  for (const [name, value] of Object.entries({ epochSize, warmup, reestimateEvery })) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  // The window never holds fewer than one epoch's scores once it rotated: a larger warm-up would never end.
  if (warmup > epochSize) throw new RangeError(`the warm-up (${warmup}) must not exceed the epoch size (${epochSize})`);
}

function checkShipped({ review, block }: ShippedThresholds): void {
  if (!(review > 0 && review <= block && block <= 1)) throw new RangeError(`shipped thresholds must satisfy 0 < review <= block <= 1, got ${review} and ${block}`);
}
