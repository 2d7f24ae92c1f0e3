/** How two models flagged the same transactions: each at the budget, from its own score distribution. */
export interface Flagging {
  /** Score at or above which a transaction is flagged; null when the budget allows none. */
  readonly threshold: number | null;
  readonly alerts: number;
  readonly alertShare: number;
}

/** Among transactions an analyst labelled FRAUD or LEGIT. */
export interface LabelledOutcomes {
  /** Flagged and labelled. */
  readonly alerts: number;
  readonly fraudAlerts: number;
  /** FRAUD among its labelled alerts; null when it flagged none of them. */
  readonly precision: number | null;
  /** Flagged FRAUD among every FRAUD label; null without one. */
  readonly recall: number | null;
}

/** The champion/challenger report over live traffic: transactions the champion decided and the shadow scored. */
export interface ComparisonReport {
  readonly model: string;
  readonly champion: { readonly version: number; readonly reviewThreshold: number };
  readonly challenger: { readonly version: number; readonly reviewThreshold: number };
  /** Of the shadow scores (processed_at), [from, to); null: open. */
  readonly window: { readonly from: string | null; readonly to: string | null };
  readonly budget: number;
  readonly scoredByBoth: number;
  readonly atBudget: {
    readonly champion: Flagging;
    readonly challenger: Flagging;
    readonly agreement: { readonly both: number; readonly neither: number; readonly championOnly: number; readonly challengerOnly: number; readonly rate: number | null };
  };
  /** At each model's own REVIEW threshold (its manifest's): what it would alert with no budget. */
  readonly served: { readonly champion: Omit<Flagging, 'threshold'>; readonly challenger: Omit<Flagging, 'threshold'> };
  readonly labelled: { readonly fraud: number; readonly legit: number; readonly champion: LabelledOutcomes; readonly challenger: LabelledOutcomes };
}

/** The counts the repository aggregates in Postgres (model-comparison.repository.ts). */
export interface ComparisonCounts {
  readonly scored: number;
  readonly championThreshold: number | null;
  readonly challengerThreshold: number | null;
  readonly both: number;
  readonly championOnly: number;
  readonly challengerOnly: number;
  readonly championServed: number;
  readonly challengerServed: number;
  readonly fraud: number;
  readonly legit: number;
  readonly championFraudAlerts: number;
  readonly championLegitAlerts: number;
  readonly challengerFraudAlerts: number;
  readonly challengerLegitAlerts: number;
}

export interface ComparisonSubject {
  readonly model: string;
  readonly champion: { readonly version: number; readonly reviewThreshold: number };
  readonly challenger: { readonly version: number; readonly reviewThreshold: number };
  readonly window: { readonly from: string | null; readonly to: string | null };
  readonly budget: number;
}

export function comparisonReport(subject: ComparisonSubject, c: ComparisonCounts): ComparisonReport {
  const share = (count: number): number => (c.scored === 0 ? 0 : count / c.scored);
  const flagging = (threshold: number | null, alerts: number): Flagging => ({ threshold, alerts, alertShare: share(alerts) });
  const outcomes = (fraudAlerts: number, legitAlerts: number): LabelledOutcomes => ({
    alerts: fraudAlerts + legitAlerts,
    fraudAlerts,
    precision: fraudAlerts + legitAlerts === 0 ? null : fraudAlerts / (fraudAlerts + legitAlerts),
    recall: c.fraud === 0 ? null : fraudAlerts / c.fraud,
  });
  const neither = c.scored - c.both - c.championOnly - c.challengerOnly;
  return {
    ...subject,
    scoredByBoth: c.scored,
    atBudget: {
      champion: flagging(c.championThreshold, c.both + c.championOnly),
      challenger: flagging(c.challengerThreshold, c.both + c.challengerOnly),
      agreement: { both: c.both, neither, championOnly: c.championOnly, challengerOnly: c.challengerOnly, rate: c.scored === 0 ? null : (c.both + neither) / c.scored },
    },
    served: { champion: { alerts: c.championServed, alertShare: share(c.championServed) }, challenger: { alerts: c.challengerServed, alertShare: share(c.challengerServed) } },
    labelled: {
      fraud: c.fraud,
      legit: c.legit,
      champion: outcomes(c.championFraudAlerts, c.championLegitAlerts),
      challenger: outcomes(c.challengerFraudAlerts, c.challengerLegitAlerts),
    },
  };
}

const pct = (v: number | null): string => (v === null ? 'n/a' : `${(100 * v).toFixed(2)} %`);

/** The report as a section of the challenger's card (live-comparison.md beside card.md). */
export function renderComparison(report: ComparisonReport, recordedAt: string, recordedBy: string): string {
  const { atBudget: b, served: s, labelled: l } = report;
  const window = `${report.window.from ?? 'the first shadow score'} to ${report.window.to ?? 'now'}`;
  return [
    `# Live comparison: ${report.model} v${report.challenger.version} (shadow) vs v${report.champion.version} (champion)`,
    '',
    `Recorded ${recordedAt} by ${recordedBy}, over the shadow scores from ${window}. Each model is flagged at the ${pct(report.budget)} budget from its own score distribution over these transactions.`,
    '',
    `Transactions scored by both: ${report.scoredByBoth}.`,
    '',
    '| | champion | challenger |',
    '|---|---|---|',
    `| threshold at the budget | ${b.champion.threshold ?? 'none'} | ${b.challenger.threshold ?? 'none'} |`,
    `| alerts at the budget | ${b.champion.alerts} (${pct(b.champion.alertShare)}) | ${b.challenger.alerts} (${pct(b.challenger.alertShare)}) |`,
    `| alerts at its own REVIEW threshold | ${s.champion.alerts} (${pct(s.champion.alertShare)}) at ${report.champion.reviewThreshold} | ${s.challenger.alerts} (${pct(s.challenger.alertShare)}) at ${report.challenger.reviewThreshold} |`,
    `| labelled alerts (FRAUD / all) | ${l.champion.fraudAlerts} / ${l.champion.alerts} | ${l.challenger.fraudAlerts} / ${l.challenger.alerts} |`,
    `| precision on labelled alerts | ${pct(l.champion.precision)} | ${pct(l.challenger.precision)} |`,
    `| recall of FRAUD labels (${l.fraud}) | ${pct(l.champion.recall)} | ${pct(l.challenger.recall)} |`,
    '',
    `Agreement at the budget: both flag ${b.agreement.both}, neither ${b.agreement.neither}, only the champion ${b.agreement.championOnly}, only the challenger ${b.agreement.challengerOnly} (${pct(b.agreement.rate)} agree).`,
    '',
    `Labels come from alerts, and alerts from the champion and the rules: the challenger's recall of labelled fraud is measured on what the champion chose to show analysts, ${l.legit} LEGIT and ${l.fraud} FRAUD labels here.`,
    '',
  ].join('\n');
}
