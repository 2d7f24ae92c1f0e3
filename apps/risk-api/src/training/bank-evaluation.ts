import { averagePrecision, precisionRecallCurve, PrPoint, thresholdAtAlertRate } from '@vigil/core-ml';

import type { PromotionPolicy } from '../modules/models/promotion-gate';
import { Outcome } from './bank-dataset';
import { thin } from './evaluate';

/** The rows a scorer is judged on: each one's outcome, and for FRAUD its typology. */
export interface EvaluationRows {
  readonly rows: number;
  readonly outcome: ArrayLike<number>;
  readonly typology: readonly (string | null)[];
}

export interface TypologyRecall {
  readonly typology: string;
  /** FRAUD-labelled transactions of the typology. */
  readonly positives: number;
  /** Of them, flagged at the budget. */
  readonly caught: number;
  readonly recall: number;
}

export interface BankScorerReport {
  readonly name: string;
  readonly version: number;
  /** FRAUD against LEGIT and never-alerted transactions; null without a FRAUD label. */
  readonly prAuc: number | null;
  /** At the REVIEW threshold the model serves with (its manifest's). */
  readonly served: { readonly threshold: number; readonly alertShare: number };
  /** At the budget: the threshold from these rows' own score distribution, as a live budget sets it. */
  readonly atBudget: {
    readonly threshold: number;
    readonly alerts: number;
    readonly alertShare: number;
    /** Alerts an analyst labelled FRAUD or LEGIT. */
    readonly labelledAlerts: number;
    readonly fraudAlerts: number;
    /** FRAUD among labelled alerts; null when none of its alerts is labelled. */
    readonly precision: number | null;
    /** Flagged FRAUD labels among all FRAUD labels; null without any. */
    readonly recall: number | null;
  };
  readonly perTypology: readonly TypologyRecall[];
  /** For plotting; a few hundred points. */
  readonly curve: readonly PrPoint[];
}

/**
 * How a scorer would have served the bank's later transactions. Labels are the analysts': FRAUD is
 * positive, LEGIT negative, a never-alerted transaction counts as negative (almost all of them
 * are), and an open or escalated alert is left out of PR-AUC, its outcome being unknown.
 */
export function evaluateOnBank(name: string, version: number, scores: ArrayLike<number>, rows: EvaluationRows, budget: number, servingThreshold: number): BankScorerReport {
  if (scores.length !== rows.rows) throw new RangeError(`${name}: ${scores.length} scores for ${rows.rows} rows`);
  if (rows.rows === 0) throw new RangeError(`${name}: no rows to evaluate`);
  const threshold = thresholdAtAlertRate(scores, budget);
  let alerts = 0;
  let served = 0;
  let labelledAlerts = 0;
  let fraudAlerts = 0;
  let frauds = 0;
  const judged: number[] = [];
  const judgedLabels: number[] = [];
  const byTypology = new Map<string, { positives: number; caught: number }>();
  for (let row = 0; row < rows.rows; row++) {
    const score = scores[row];
    const outcome = rows.outcome[row];
    const flagged = score >= threshold;
    if (flagged) alerts++;
    if (score >= servingThreshold) served++;
    if (outcome === Outcome.Fraud || outcome === Outcome.Legit || outcome === Outcome.Unlabelled) {
      judged.push(score);
      judgedLabels.push(outcome === Outcome.Fraud ? 1 : 0);
    }
    if (flagged && (outcome === Outcome.Fraud || outcome === Outcome.Legit)) labelledAlerts++;
    if (outcome !== Outcome.Fraud) continue;
    frauds++;
    if (flagged) fraudAlerts++;
    const typology = rows.typology[row] ?? 'unknown';
    const entry = byTypology.get(typology) ?? { positives: 0, caught: 0 };
    entry.positives++;
    if (flagged) entry.caught++;
    byTypology.set(typology, entry);
  }
  return {
    name,
    version,
    prAuc: frauds > 0 ? averagePrecision(judged, judgedLabels) : null,
    served: { threshold: servingThreshold, alertShare: served / rows.rows },
    atBudget: {
      threshold,
      alerts,
      alertShare: alerts / rows.rows,
      labelledAlerts,
      fraudAlerts,
      precision: labelledAlerts > 0 ? fraudAlerts / labelledAlerts : null,
      recall: frauds > 0 ? fraudAlerts / frauds : null,
    },
    perTypology: [...byTypology]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([typology, { positives, caught }]) => ({ typology, positives, caught, recall: caught / positives })),
    curve: frauds > 0 ? thin(precisionRecallCurve(judged, judgedLabels), 400) : [],
  };
}

export interface Criterion {
  readonly criterion: string;
  readonly met: boolean;
  readonly detail: string;
}

const pct = (v: number | null): string => (v === null ? 'n/a' : `${(100 * v).toFixed(1)} %`);
const num = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(4));

/**
 * The card's criteria on the bank's later transactions, judged when the challenger is trained: it
 * must not catch fewer of any typology, be less precise on labelled alerts or rank worse than the
 * champion (each within the policy's tolerance), and its own REVIEW threshold must hold the budget.
 * Without a champion there is nothing to be worse than: those criteria are met.
 */
export function offlineCriteria(challenger: BankScorerReport, champion: BankScorerReport | null, policy: PromotionPolicy): Criterion[] {
  const criteria: Criterion[] = [];
  const against = champion ? `${champion.name} v${champion.version}` : 'no champion';
  const typologies = [...new Set([...challenger.perTypology, ...(champion?.perTypology ?? [])].map((t) => t.typology))].sort();
  for (const typology of typologies) {
    const mine = challenger.perTypology.find((t) => t.typology === typology);
    const theirs = champion?.perTypology.find((t) => t.typology === typology);
    const recall = mine?.recall ?? 0;
    criteria.push({
      criterion: `${typology}: recall at the budget not worse than the champion's by more than ${pct(policy.maxTypologyRecallDrop)}`,
      met: theirs === undefined || recall >= theirs.recall - policy.maxTypologyRecallDrop,
      detail: `${pct(recall)} (${mine?.caught ?? 0}/${mine?.positives ?? 0}) vs ${theirs ? `${pct(theirs.recall)} (${theirs.caught}/${theirs.positives})` : against}`,
    });
  }
  const [p, q] = [challenger.atBudget.precision, champion?.atBudget.precision ?? null];
  criteria.push({
    criterion: `precision on labelled alerts at the budget not worse than the champion's by more than ${pct(policy.maxPrecisionDrop)}`,
    met: p !== null && (q === null || p >= q - policy.maxPrecisionDrop),
    detail: `${pct(p)} of ${challenger.atBudget.labelledAlerts} labelled alerts vs ${champion ? `${pct(q)} of ${champion.atBudget.labelledAlerts}` : against}`,
  });
  const [a, b] = [challenger.prAuc, champion?.prAuc ?? null];
  criteria.push({
    criterion: `PR-AUC not worse than the champion's by more than ${policy.maxPrAucDrop}`,
    met: a !== null && (b === null || a >= b - policy.maxPrAucDrop),
    detail: `${num(a)} vs ${champion ? num(b) : against}`,
  });
  const limit = policy.budget * policy.alertShareTolerance;
  criteria.push({
    criterion: `its REVIEW threshold alerts at most ${pct(limit)} (${policy.alertShareTolerance}× the ${pct(policy.budget)} budget)`,
    met: challenger.served.alertShare <= limit,
    detail: `${pct(challenger.served.alertShare)} at ${challenger.served.threshold.toPrecision(4)}${champion ? `; the champion's own threshold alerts ${pct(champion.served.alertShare)}` : ''}`,
  });
  return criteria;
}
