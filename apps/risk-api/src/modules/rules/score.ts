/**
 * Scores, weights and thresholds are probabilities in [0, 1] that get summed and compared, so
 * (STYLE R11) they are held as integer micro-units: 0.3 is 300 000. Sums and comparisons are exact
 * (0.1 + 0.2 reaches a 0.3 threshold), and a result is the same on every machine.
 */
export const SCORE_SCALE = 1_000_000;

/** An exact score: an integer count of millionths. */
export type ScoreMicros = number & { readonly __unit: 'score-micros' };

export type Decision = 'ALLOW' | 'REVIEW' | 'BLOCK';

const SEVERITY: Readonly<Record<Decision, number>> = { ALLOW: 0, REVIEW: 1, BLOCK: 2 };

/** Rounds to the nearest millionth: configuration is checked with hasScorePrecision first; model outputs are rounded. */
export function toMicros(score: number): ScoreMicros {
  return Math.round(score * SCORE_SCALE) as ScoreMicros;
}

export function fromMicros(micros: ScoreMicros): number {
  return micros / SCORE_SCALE;
}

/** True when `x` has at most 6 decimals, so toMicros loses nothing. */
export function hasScorePrecision(x: number): boolean {
  const scaled = x * SCORE_SCALE;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

export function isProbability(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= 1;
}

/** Sum capped at 1: a typology is certain at most. */
export function cappedSum(scores: readonly ScoreMicros[]): ScoreMicros {
  let total = 0;
  for (const score of scores) total += score;
  return Math.min(total, SCORE_SCALE) as ScoreMicros;
}

/** BLOCK from `block` up, REVIEW from `review` up, else ALLOW (both bounds inclusive). */
export function decisionFor(score: ScoreMicros, review: ScoreMicros, block: ScoreMicros): Decision {
  if (score >= block) return 'BLOCK';
  if (score >= review) return 'REVIEW';
  return 'ALLOW';
}

export function mostSevere(...decisions: Decision[]): Decision {
  return decisions.reduce<Decision>((worst, decision) => (SEVERITY[decision] > SEVERITY[worst] ? decision : worst), 'ALLOW');
}
