import { averagePrecision, precisionRecallCurve, PrPoint, recallAtThreshold, thresholdAtAlertRate } from '@vigil/core-ml';

import { FEATURE_NAMES } from '../modules/features';
import { RiskDataset } from './dataset';

export const ALERT_RATES = [0.005, 0.01, 0.02] as const;
/** The alert rate at which per-pattern recall is judged. */
export const PATTERN_ALERT_RATE = 0.01;

export interface AtAlertRate {
  readonly alertRate: number;
  readonly threshold: number;
  /** Share of positive transactions at or above the threshold. */
  readonly recall: number;
}

export interface PatternRecall {
  readonly pattern: string;
  readonly instances: number;
  /** Instances with at least one of their transactions alerted: an analyst opens the case from it. */
  readonly detected: number;
  readonly recall: number;
  /** Share of the pattern's own transactions alerted. */
  readonly transactionRecall: number;
}

export interface ScorerReport {
  readonly name: string;
  readonly prAuc: number;
  readonly atAlertRates: readonly AtAlertRate[];
  /** At PATTERN_ALERT_RATE. */
  readonly perPattern: readonly PatternRecall[];
  /** For plotting; thinned to a few hundred points. */
  readonly curve: readonly PrPoint[];
}

/**
 * How well `scores` ranks the dataset's positives: PR-AUC, recall at alert budgets, and per
 * pattern the share of instances caught at a 1 % alert rate (thresholds set on this very stream,
 * which is how an alert budget is applied in operation).
 */
export function evaluateScorer(name: string, scores: ArrayLike<number>, dataset: RiskDataset): ScorerReport {
  if (scores.length !== dataset.rows) throw new RangeError(`${name}: ${scores.length} scores for ${dataset.rows} rows`);
  const atAlertRates = ALERT_RATES.map((alertRate) => {
    const threshold = thresholdAtAlertRate(scores, alertRate);
    return { alertRate, threshold, recall: recallAtThreshold(scores, dataset.labels, threshold) };
  });
  const threshold = thresholdAtAlertRate(scores, PATTERN_ALERT_RATE);
  return { name, prAuc: averagePrecision(scores, dataset.labels), atAlertRates, perPattern: patternRecall(scores, dataset, threshold), curve: thin(precisionRecallCurve(scores, dataset.labels), 400) };
}

export function patternRecall(scores: ArrayLike<number>, dataset: RiskDataset, threshold: number): PatternRecall[] {
  const byPattern = new Map<string, { instances: Map<string, boolean>; rows: number; alerted: number }>();
  for (let row = 0; row < dataset.rows; row++) {
    const instance = dataset.instance[row];
    if (dataset.labels[row] !== 1 || instance === null) continue;
    const entry = byPattern.get(dataset.pattern[row]) ?? { instances: new Map<string, boolean>(), rows: 0, alerted: 0 };
    const alerted = scores[row] >= threshold;
    entry.instances.set(instance, (entry.instances.get(instance) ?? false) || alerted);
    entry.rows++;
    if (alerted) entry.alerted++;
    byPattern.set(dataset.pattern[row], entry);
  }
  return [...byPattern]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([pattern, entry]) => {
      const detected = [...entry.instances.values()].filter(Boolean).length;
      return { pattern, instances: entry.instances.size, detected, recall: detected / entry.instances.size, transactionRecall: entry.alerted / entry.rows };
    });
}

export interface SingleFeatureRule {
  readonly feature: string;
  /** +1: higher values are riskier; -1: lower values are. */
  readonly direction: 1 | -1;
  /** Its PR-AUC on the rows it was chosen on. */
  readonly prAuc: number;
}

/**
 * The best one-feature rule on the training rows (`feature >= t`, or `<= t`): the simplest
 * detector an analyst would write, and the baseline a model must beat.
 */
export function bestSingleFeatureRule(train: RiskDataset): SingleFeatureRule {
  const width = FEATURE_NAMES.length;
  const column = new Float32Array(train.rows);
  let best: SingleFeatureRule | undefined;
  for (let f = 0; f < width; f++) {
    for (let row = 0; row < train.rows; row++) column[row] = train.features[row * width + f];
    for (const direction of [1, -1] as const) {
      const prAuc = averagePrecision(direction === 1 ? column : column.map((v) => -v), train.labels);
      if (!best || prAuc > best.prAuc) best = { feature: FEATURE_NAMES[f], direction, prAuc };
    }
  }
  if (!best) throw new RangeError('the training rows have no features');
  return best;
}

export function singleFeatureScores(rule: SingleFeatureRule, dataset: RiskDataset): Float32Array {
  const width = FEATURE_NAMES.length;
  const f = FEATURE_NAMES.indexOf(rule.feature as (typeof FEATURE_NAMES)[number]);
  return Float32Array.from({ length: dataset.rows }, (_, row) => rule.direction * dataset.features[row * width + f]);
}

/** At most about `target` points of a curve, evenly spaced, the last one kept. */
export function thin(points: readonly PrPoint[], target: number): PrPoint[] {
  if (points.length <= target) return [...points];
  const stride = points.length / target;
  const kept: PrPoint[] = [];
  for (let i = 0; i < target; i++) kept.push(points[Math.floor(i * stride)]);
  kept.push(points[points.length - 1]);
  return kept;
}
