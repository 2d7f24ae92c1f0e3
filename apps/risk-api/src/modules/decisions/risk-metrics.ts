import { Injectable } from '@nestjs/common';
import { MetricsService } from '@vigil/platform';
import { Counter, Histogram } from 'prom-client';

/** The decision mix, latency and per-rule hit rates, beside the platform's own metrics. */
@Injectable()
export class RiskMetrics {
  readonly decisions: Counter<'decision'>;
  readonly latency: Histogram;
  readonly ruleHits: Counter<'rule'>;
  readonly duplicates: Counter;

  constructor(metrics: MetricsService) {
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
  }
}
