import { Inject, Injectable } from '@nestjs/common';
import { DriftMonitor, type DriftMonitorOptions, type DriftReport, type DriftReference } from '@vigil/core-ml';
import { MetricsService } from '@vigil/platform';
import { Gauge } from 'prom-client';

import type { RiskApiEnv } from '../../config/env';

/** Drift of the last MODEL_DRIFT_WINDOW champion-scored transactions against the champion's training reference. */
export const RISK_DRIFT_OPTIONS = Symbol('RISK_DRIFT_OPTIONS');

export function riskDriftOptions(env: Pick<RiskApiEnv, 'MODEL_DRIFT_KL_THRESHOLD' | 'MODEL_DRIFT_WINDOW'>): DriftMonitorOptions {
  return { window: { kind: 'count', size: env.MODEL_DRIFT_WINDOW }, klThreshold: env.MODEL_DRIFT_KL_THRESHOLD, minObservations: Math.min(500, env.MODEL_DRIFT_WINDOW) };
}

/** The model a drift report is about. */
export interface DriftSubject {
  readonly name: string;
  readonly version: number;
  readonly reference?: DriftReference;
}

export interface ModelDriftReport extends DriftReport {
  model: string;
  version: number;
}

/**
 * The champion's live drift: the pipeline observes every row it scored with the champion, a new
 * champion starts a fresh window against its own reference, and the gauges read the report at
 * each scrape (model_drift_psi, model_drift_kl, model_drift_alert, model_drift_window_observations).
 */
@Injectable()
export class ModelDrift {
  #current?: { subject: DriftSubject; monitor: DriftMonitor };

  constructor(
    metrics: MetricsService,
    @Inject(RISK_DRIFT_OPTIONS) private readonly options: DriftMonitorOptions,
  ) {
    const registers = [metrics.registry];
    const drift = this;
    const perSeries = (name: string, help: string, pick: (d: { psi: number; kl: number }) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['model', 'version', 'feature'] as const,
        registers,
        collect() {
          this.reset();
          const report = drift.report();
          if (report === undefined) return;
          for (const series of [...report.features, ...(report.score ? [report.score] : [])]) {
            this.set({ model: report.model, version: String(report.version), feature: series.name }, pick(series));
          }
        },
      });
    perSeries('model_drift_psi', 'Population stability index of each input (and of feature="score") over the drift window', (d) => d.psi);
    perSeries('model_drift_kl', 'KL(live ‖ training) in nats of each input (and of feature="score") over the drift window', (d) => d.kl);
    const perModel = (name: string, help: string, pick: (r: ModelDriftReport) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['model', 'version'] as const,
        registers,
        collect() {
          this.reset();
          const report = drift.report();
          if (report !== undefined) this.set({ model: report.model, version: String(report.version) }, pick(report));
        },
      });
    perModel('model_drift_alert', '1 while some input or the score drifts past the KL threshold', (r) => (r.alerts.length > 0 ? 1 : 0));
    perModel('model_drift_window_observations', 'Scored rows in the drift window', (r) => r.observations);
  }

  /** One row the champion scored: its features in the manifest's order, and its score. Ignored for a model without a reference. */
  observe(model: DriftSubject, features: ArrayLike<number>, score: number): void {
    if (model.reference === undefined) return;
    const current = this.#current;
    if (current === undefined || current.subject.name !== model.name || current.subject.version !== model.version) {
      this.#current = { subject: model, monitor: new DriftMonitor(model.reference, this.options) };
    }
    (this.#current as { monitor: DriftMonitor }).monitor.observe(features, score);
  }

  /** The current window's drift, or undefined before the first observation. */
  report(): ModelDriftReport | undefined {
    const current = this.#current;
    if (current === undefined) return undefined;
    return { model: current.subject.name, version: current.subject.version, ...current.monitor.report() };
  }
}
