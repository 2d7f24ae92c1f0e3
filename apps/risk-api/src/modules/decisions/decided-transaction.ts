import { DecisionOutcome, RiskDecisionMessage, Transaction } from '@vigil/contracts';

/** A transaction with everything the pipeline decided about it, as one unit to store and publish. */
export interface DecidedTransaction {
  transaction: Transaction;
  source: { partition: number; offset: string };
  features: Record<string, number>;
  decision: RiskDecisionMessage;
  /** What the active rule set alone decided: its share counts against the alert budget. */
  rulesDecision: DecisionOutcome;
  shadow: ShadowDecision[];
  /** What the shadow model scored, when one is live, and decided by its own alert budget. */
  shadowModel?: ShadowModelScore;
}

export interface ShadowModelScore {
  name: string;
  version: number;
  score: number;
  decision: RiskDecisionMessage['decision'];
}

/** What a draft rule set running in shadow would have decided. */
export interface ShadowDecision {
  ruleSetVersion: number;
  decision: RiskDecisionMessage['decision'];
  score: number;
  rules: RiskDecisionMessage['rules'];
}
