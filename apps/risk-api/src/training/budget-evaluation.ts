import { AlertBudgetSettings, ShippedThresholds } from '../modules/budget/alert-budget';
import { replayAlertBudget } from '../modules/budget/replay-alert-budget';
import { RiskDataset } from './dataset';
import { PatternRecall, patternRecall } from './evaluate';

export interface RuleHitRate {
  readonly rule: string;
  readonly hitRate: number;
}

/** A population decided as the service decides it: rules, then the model at the alert budget's live thresholds. */
export interface BudgetEvaluation {
  readonly share: number;
  readonly transactions: number;
  /** Transactions decided on the shipped thresholds while the budget warmed up. */
  readonly warmupTransactions: number;
  /** After warm-up: REVIEW or BLOCK, BLOCK alone, and what the rules flagged alone. */
  readonly flaggedShare: number;
  readonly blockShare: number;
  readonly rulesFlaggedShare: number;
  /** Instances with at least one flagged transaction, over the whole stream. */
  readonly perPattern: readonly PatternRecall[];
  /** The rules that hit most often (after warm-up), highest first. */
  readonly topRules: readonly RuleHitRate[];
}

/**
 * Replays `dataset` in stream order through the default rules and an alert budget over `scores`,
 * exactly as the service decides (batches of `batchSize`), and measures what an analyst team would
 * get: the flagged share once the budget has warmed up, and per pattern the instances flagged.
 */
export function evaluateAtBudget(scores: ArrayLike<number>, dataset: RiskDataset, settings: AlertBudgetSettings, shipped: ShippedThresholds, batchSize = 64): BudgetEvaluation {
  if (scores.length !== dataset.rows) throw new RangeError(`${scores.length} scores for ${dataset.rows} rows`);
  const stream = Array.from({ length: dataset.rows }, (_, row) => ({ score: scores[row], rulesDecision: dataset.ruleDecisions[row], rules: dataset.ruleHits[row] }));
  // The window's quantiles take over at the first re-estimate that finds `warmup` scores, after a whole batch.
  const firstEstimate = Math.ceil(settings.warmup / settings.reestimateEvery) * settings.reestimateEvery;
  const warmupTransactions = Math.min(Math.ceil(firstEstimate / batchSize) * batchSize, dataset.rows);
  const { decisions } = replayAlertBudget(settings, shipped, stream, { batchSize });
  let flagged = 0;
  let blocked = 0;
  let rulesFlagged = 0;
  const hits = new Map<string, number>();
  for (let row = warmupTransactions; row < dataset.rows; row++) {
    if (decisions[row] !== 'ALLOW') flagged++;
    if (decisions[row] === 'BLOCK') blocked++;
    if (dataset.ruleDecisions[row] !== 'ALLOW') rulesFlagged++;
    for (const rule of dataset.ruleHits[row]) hits.set(rule, (hits.get(rule) ?? 0) + 1);
  }
  const operating = Math.max(1, dataset.rows - warmupTransactions);
  const alerted = Float32Array.from(decisions, (decision) => (decision === 'ALLOW' ? 0 : 1));
  return {
    share: settings.share,
    transactions: dataset.rows,
    warmupTransactions,
    flaggedShare: flagged / operating,
    blockShare: blocked / operating,
    rulesFlaggedShare: rulesFlagged / operating,
    perPattern: patternRecall(alerted, dataset, 1),
    topRules: [...hits]
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .slice(0, 5)
      .map(([rule, count]) => ({ rule, hitRate: count / operating })),
  };
}
