import { Decision, mostSevere } from '../rules';
import { AlertBudget, AlertBudgetSettings, ShippedThresholds } from './alert-budget';

/** One transaction of a stream replayed through a budget: what the model scored and the rules decided. */
export interface ReplayedTransaction {
  readonly score: number;
  readonly rulesDecision: Decision;
  readonly rules?: readonly string[];
  readonly segment?: string;
}

export interface ReplayOptions {
  /** Decided together before any is counted, as the service decides a batch (default 1). */
  readonly batchSize?: number;
}

/**
 * Decides a stream as the service does, offline: each batch with the thresholds in force, then
 * counted, and re-estimated whenever due (versions 1, 2, …). For measuring the alert share a
 * budget holds on a population (training cards, benchmarks) without a database or a broker.
 */
export function replayAlertBudget(
  settings: AlertBudgetSettings,
  shipped: ShippedThresholds,
  stream: Iterable<ReplayedTransaction>,
  { batchSize = 1 }: ReplayOptions = {},
): { decisions: Decision[]; budget: AlertBudget } {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const budget = new AlertBudget(settings, shipped);
  const decisions: Decision[] = [];
  let batch: ReplayedTransaction[] = [];
  const flush = () => {
    for (const tx of batch) decisions.push(mostSevere(tx.rulesDecision, budget.decide(tx.score, tx.segment).decision));
    for (const tx of batch) budget.observe({ score: tx.score, rulesFlagged: tx.rulesDecision !== 'ALLOW', rules: tx.rules, segment: tx.segment });
    if (budget.due) budget.reestimate((budget.version ?? 0) + 1);
    batch = [];
  };
  for (const tx of stream) {
    batch.push(tx);
    if (batch.length === batchSize) flush();
  }
  flush();
  return { decisions, budget };
}
