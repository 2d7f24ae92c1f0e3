/** The `risk.decisions` topic's value (key: txId), one per accepted transaction (shared/PRODUCT.md). */
export type DecisionOutcome = 'ALLOW' | 'REVIEW' | 'BLOCK';

/**
 * Why a rule fired (an extra field on each of `rules`: consumers ignore what they do not know): what
 * it read, the values, the rule's constant tests that held, and for a banded rule the band.
 */
export interface RuleHitExplanation {
  /** `orig_count_1h = 12 (> 10)`; a banded rule adds `→ band 3 (> 10): 0.9`. */
  text: string;
  /** Each name the rule read: its value (null for a number JSON cannot carry), and the tests on it that held, e.g. `> 10`. */
  inputs: { name: string; value: number | string | boolean | null; matched: string[] }[];
  /** A banded rule: the expression's value, the band it fell into (0-based) and that band's range, e.g. `> 5 and ≤ 15`. */
  band?: { value: number | null; index: number; range: string };
}

export interface RiskDecisionMessage {
  txId: string;
  decision: DecisionOutcome;
  /** 0..1 */
  score: number;
  rules: { id: string; name: string; score: number; explanation?: RuleHitExplanation }[];
  /** The model that scored the transaction; null while no trained model is registered (rules alone). */
  model: { name: string; version: string; score: number } | null;
  topFeatures: { name: string; value: number; contribution: number }[];
  /** The rule set that decided (an extra field: consumers ignore what they do not know). */
  ruleSetVersion: number;
  /** The alert budget's threshold version the model decided with (an extra field); null when rules alone decided. */
  thresholdsVersion: number | null;
  /** ISO-8601, UTC */
  processedAt: string;
  latencyMs: number;
}
