/**
 * Ranking metrics for binary scorers, computed exactly from (score, label) pairs. Ties are handled as
 * one step (all items of one score enter together), so the figures do not depend on input order.
 */

export interface PrPoint {
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
  /** Share of all items at or above the threshold: the alert rate this threshold would produce. */
  readonly alertRate: number;
}

export interface RocPoint {
  readonly threshold: number;
  readonly falsePositiveRate: number;
  readonly truePositiveRate: number;
}

interface Step {
  readonly threshold: number;
  /** Positives and items scored at or above the threshold. */
  readonly positives: number;
  readonly items: number;
}

function checkInputs(scores: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (scores.length !== labels.length) throw new RangeError(`scores has ${scores.length} items but labels has ${labels.length}`);
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) throw new RangeError(`scores[${i}] is ${scores[i]}; scores must be finite`);
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`labels[${i}] is ${labels[i]}; labels must be 0 or 1`);
  }
}

/** Cumulative counts at each distinct score, highest score first. */
function steps(scores: ArrayLike<number>, labels: ArrayLike<number>): { steps: Step[]; positives: number } {
  checkInputs(scores, labels);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const out: Step[] = [];
  let positives = 0;
  for (let k = 0; k < order.length; k++) {
    positives += labels[order[k]];
    const last = k === order.length - 1 || scores[order[k + 1]] !== scores[order[k]];
    if (last) out.push({ threshold: scores[order[k]], positives, items: k + 1 });
  }
  return { steps: out, positives };
}

export function precisionRecallCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): PrPoint[] {
  const { steps: all, positives } = steps(scores, labels);
  if (positives === 0) throw new RangeError('labels has no positive item: precision and recall are undefined');
  return all.map((s) => ({ threshold: s.threshold, precision: s.positives / s.items, recall: s.positives / positives, alertRate: s.items / scores.length }));
}

/**
 * PR-AUC as average precision: the precision at each threshold weighted by the recall it adds
 * (the step-wise sum, which never interpolates optimistically between points).
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  let area = 0;
  let previousRecall = 0;
  for (const point of precisionRecallCurve(scores, labels)) {
    area += (point.recall - previousRecall) * point.precision;
    previousRecall = point.recall;
  }
  return area;
}

/**
 * The lowest threshold whose alert rate stays within `rate` (alert when score >= threshold). Ties
 * at the boundary are excluded as a whole, so the real alert rate never exceeds the one asked for;
 * Infinity when even the top score alone would exceed it.
 */
export function thresholdAtAlertRate(scores: ArrayLike<number>, rate: number): number {
  if (!(rate > 0 && rate <= 1)) throw new RangeError(`rate is ${rate}; it must be in (0, 1]`);
  const sorted = Float64Array.from(scores).sort().reverse();
  const budget = Math.floor(rate * sorted.length);
  if (budget === 0) return Infinity;
  if (budget >= sorted.length) return sorted[sorted.length - 1];
  let k = budget;
  // Move up past every item tied with the first one that is over budget.
  while (k > 0 && sorted[k - 1] === sorted[budget]) k--;
  return k === 0 ? Infinity : sorted[k - 1];
}

export function recallAtThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): number {
  checkInputs(scores, labels);
  let positives = 0;
  let caught = 0;
  for (let i = 0; i < scores.length; i++) {
    positives += labels[i];
    if (labels[i] === 1 && scores[i] >= threshold) caught++;
  }
  if (positives === 0) throw new RangeError('labels has no positive item: recall is undefined');
  return caught / positives;
}

export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): RocPoint[] {
  const { steps: all, positives } = steps(scores, labels);
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) throw new RangeError('labels needs both classes for a ROC curve');
  return [
    { threshold: Infinity, falsePositiveRate: 0, truePositiveRate: 0 },
    ...all.map((s) => ({ threshold: s.threshold, falsePositiveRate: (s.items - s.positives) / negatives, truePositiveRate: s.positives / positives })),
  ];
}

/** Area under the ROC curve (trapezoids; a tie counts half, as in the Mann-Whitney U statistic). */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const curve = rocCurve(scores, labels);
  let area = 0;
  for (let i = 1; i < curve.length; i++) {
    area += ((curve[i].falsePositiveRate - curve[i - 1].falsePositiveRate) * (curve[i].truePositiveRate + curve[i - 1].truePositiveRate)) / 2;
  }
  return area;
}
