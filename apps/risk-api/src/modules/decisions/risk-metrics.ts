import { Injectable } from '@nestjs/common';
import { MetricsService } from '@vigil/platform';
import { Counter, Gauge, Histogram } from 'prom-client';

import { AlertBudgetReport } from '../budget/alert-budget';
import { AlertBudgetService } from '../budget/alert-budget.service';

/** The decision mix, latency, per-rule hit rates and the alert budget, beside the platform's own metrics. */
@Injectable()
export class RiskMetrics {
  readonly decisions: Counter<'decision'>;
  readonly latency: Histogram;
  readonly ruleHits: Counter<'rule'>;
  readonly duplicates: Counter;

  constructor(metrics: MetricsService, budget: AlertBudgetService) {
    const registers = [metrics.registry];
    this.decisions = new Counter({ name: 'risk_decisions_total', help: 'Decisions made, by outcome', labelNames: ['decision'], registers });
    this.latency = new Histogram({
      name: 'risk_decision_latency_seconds',
      help: 'From a batch reaching the service to each transaction’s decision',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.ruleHits = new Counter({ name: 'risk_rule_hits_total', help: 'Rule hits of the active rule set, by rule id', labelNames: ['rule'], registers });
    this.duplicates = new Counter({ name: 'risk_duplicate_transactions_total', help: 'Transactions whose txId was already decided (not decided again)', registers });

    // The alert budget's window, read at each scrape (nothing before this instance decided a batch).
    const fromBudget = <L extends string>(name: string, help: string, labelNames: L[], set: (gauge: Gauge<L>, report: AlertBudgetReport) => void) =>
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          const report = budget.report();
          if (report !== undefined) set(this, report);
        },
      });
    fromBudget('risk_alert_budget', 'The share of transactions that may go to REVIEW or BLOCK', [], (g, r) => g.set(r.share));
    fromBudget('risk_flagged_share', 'Share of the window’s transactions flagged REVIEW or BLOCK, by rules or model', [], (g, r) => g.set(r.flaggedShare));
    fromBudget('risk_rules_flagged_share', 'Share of the window’s transactions the rules alone flagged', [], (g, r) => g.set(r.rulesFlaggedShare));
    fromBudget('risk_rule_hit_rate', 'Hits per transaction over the window, by rule id (compare with risk_alert_budget)', ['rule'], (g, r) => {
      for (const { rule, hitRate } of r.rules) g.set({ rule }, hitRate);
    });
    fromBudget('risk_threshold', 'The model’s operating thresholds, by kind (review, block) and segment (global: the fallback)', ['kind', 'segment'], (g, r) => {
      if (r.thresholds === null) return;
      for (const [segment, { review, block }] of [['global', r.thresholds.global] as const, ...Object.entries(r.thresholds.segments)]) {
        g.set({ kind: 'review', segment }, review);
        g.set({ kind: 'block', segment }, block);
      }
    });
    fromBudget('risk_threshold_version', 'The threshold version decisions stamp now', [], (g, r) => {
      if (r.version !== null) g.set(r.version);
    });
    fromBudget('risk_alert_budget_warming_up', '1 while the window holds fewer scores than the warm-up (the shipped thresholds decide)', [], (g, r) =>
      g.set(r.phase === 'warm-up' ? 1 : 0),
    );
  }
}
