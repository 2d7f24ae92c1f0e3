/** The `risk.decisions` topic's value (key: txId), one per accepted transaction (shared/PRODUCT.md). */
export type DecisionOutcome = 'ALLOW' | 'REVIEW' | 'BLOCK';

export interface RiskDecisionMessage {
  txId: string;
  decision: DecisionOutcome;
  /** 0..1 */
  score: number;
  rules: { id: string; name: string; score: number }[];
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
