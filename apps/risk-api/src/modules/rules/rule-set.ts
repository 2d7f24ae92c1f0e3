/**
 * A versioned set of rules grouped by typology (the Tazama model: rules feed typologies, each
 * typology scores its hits and compares them with its own thresholds).
 *
 * All scores, weights and thresholds are in [0, 1] with at most 6 decimals (see score.ts).
 */
export type RuleSetStatus = 'draft' | 'active' | 'retired';
export const RULE_SET_STATUSES: readonly RuleSetStatus[] = ['draft', 'active', 'retired'];

export interface RuleSet {
  /** A positive integer; a stored rule set is immutable per version. */
  readonly version: number;
  readonly status: RuleSetStatus;
  readonly typologies: readonly Typology[];
}

export interface Typology {
  readonly id: string;
  readonly name: string;
  /** The typology's score (capped sum of its hits) at or above this → REVIEW. */
  readonly reviewThreshold: number;
  /** ... at or above this → BLOCK. 0 ≤ review ≤ block ≤ 1. */
  readonly blockThreshold: number;
  readonly rules: readonly Rule[];
}

/** A boolean condition; when true, the rule hits with `score` (0 makes an informational rule: reported, adds nothing). */
export interface ConditionRule {
  readonly id: string;
  readonly name: string;
  readonly expression: string;
  readonly score: number;
}

/**
 * A numeric expression placed into ordered bands. The value falls into the first band whose
 * `upTo` it does not exceed (`value <= upTo`); the last band has no `upTo` and takes the rest.
 * `upTo` strictly increases. The rule hits when its band's score is above 0; a NaN value (see the
 * division note in evaluator.ts) falls into no band and does not hit.
 *
 *   { expression: 'orig_count_1h', bands: [{ upTo: 3, score: 0 }, { upTo: 10, score: 0.4 }, { score: 0.9 }] }
 *   → 2 scores 0, 3 scores 0, 7 scores 0.4, 11 scores 0.9
 */
export interface BandedRule {
  readonly id: string;
  readonly name: string;
  readonly expression: string;
  readonly bands: readonly Band[];
}

export interface Band {
  readonly upTo?: number;
  readonly score: number;
}

export type Rule = ConditionRule | BandedRule;

export function isBandedRule(rule: Rule): rule is BandedRule {
  return 'bands' in rule && rule.bands !== undefined;
}
