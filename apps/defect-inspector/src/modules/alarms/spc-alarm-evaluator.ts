import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { JsonLogger } from '@vigil/platform';

import { judgeSubgroups, RollingChartOptions } from '../../spc';
import { Clock } from '../quality/clock';
import { QualityStatsRepository } from '../quality/quality-stats.repository';
import { SPC_ALARM_OPTIONS, spcAlarmChart, SpcAlarmOptions } from './spc-alarm-options';
import { SpcAlarmMetrics } from './spc-alarm-metrics';
import { SpcAlarm, SpcAlarmRepository } from './spc-alarm.repository';

/**
 * Raises SPC alarms as each line's subgroups close: every `intervalMs`, per line, the subgroups
 * that ended (plus `graceMs`) since the line's judged-until mark are judged (judgeSubgroups) on the
 * p-chart of the stored inspections by effective verdict, and what they raise is stored once. The
 * mark and the alarms are written together, and the alarms are unique per line, subgroup and rule,
 * so a crash, a retry or a second instance raises nothing twice. After a stop longer than the
 * window, only the window's last subgroups are judged (the p-chart endpoint still draws the rest).
 */
@Injectable()
export class SpcAlarmEvaluator implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #chart: RollingChartOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(
    @Inject(SPC_ALARM_OPTIONS) private readonly options: SpcAlarmOptions,
    private readonly alarms: SpcAlarmRepository,
    private readonly stats: QualityStatsRepository,
    private readonly metrics: SpcAlarmMetrics,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {
    this.#chart = spcAlarmChart(options);
  }

  onApplicationBootstrap(): void {
    if (this.options.intervalMs === 0) return;
    this.#timer = setInterval(() => this.#tick(), this.options.intervalMs);
    this.#timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** Judges every line's subgroups closed by `nowMs`; returns the alarms this call stored. */
  async evaluate(nowMs = this.clock.now()): Promise<SpcAlarm[]> {
    const { bucketMs } = this.#chart;
    const closedUntil = Math.floor((nowMs - this.options.graceMs) / bucketMs) * bucketMs;
    const raised: SpcAlarm[] = [];
    for (const line of await this.alarms.lines()) raised.push(...(await this.#evaluateLine(line, closedUntil)));
    return raised;
  }

  async #evaluateLine(line: string, closedUntil: number): Promise<SpcAlarm[]> {
    const { bucketMs, window } = this.#chart;
    const { subgroup } = this.options;
    const judgeFrom = Math.max((await this.alarms.judgedUntil(line, subgroup)) ?? -Infinity, closedUntil - window * bucketMs);
    if (judgeFrom >= closedUntil) return [];
    const counted = await this.stats.timeSubgroups({ from: iso(judgeFrom - (window - 1) * bucketMs), to: iso(closedUntil) }, line, bucketMs);
    const judged = judgeSubgroups(
      counted.map((s) => ({ start: iso(s.startMs), end: iso(s.endMs), inspected: s.inspected, defective: s.defective })),
      judgeFrom,
      closedUntil,
      this.#chart,
    );
    const stored = await this.alarms.raise(line, subgroup, judged, closedUntil);
    for (const alarm of stored) {
      this.metrics.raised.inc({ line, rule: String(alarm.rule) });
      this.logger.pino.warn({ alarmId: alarm.id, line, rule: alarm.rule, side: alarm.side, subgroupStart: alarm.point.start, p: alarm.point.p, centre: alarm.chart.centre }, 'SPC alarm raised');
    }
    return stored;
  }

  #tick(): void {
    // One evaluation at a time: a slow one is not stacked on.
    if (this.#running !== undefined) return;
    this.#running = this.evaluate()
      .then(
        () => undefined,
        (error: unknown) => {
          this.metrics.evaluationFailures.inc();
          this.logger.pino.error({ err: error }, 'SPC evaluation failed; retried at the next interval');
        },
      )
      .finally(() => {
        this.#running = undefined;
      });
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
