import { Injectable } from '@nestjs/common';
import { MetricsService } from '@vigil/platform';
import { Counter } from 'prom-client';

@Injectable()
export class SpcAlarmMetrics {
  readonly raised: Counter<'line' | 'rule'>;
  readonly evaluationFailures: Counter;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.raised = new Counter({ name: 'defect_spc_alarms_total', help: 'SPC alarms raised (stored once), by line and Western Electric rule', labelNames: ['line', 'rule'], registers });
    this.evaluationFailures = new Counter({ name: 'defect_spc_evaluation_failures_total', help: 'SPC evaluations that failed (retried at the next interval)', registers });
  }
}
