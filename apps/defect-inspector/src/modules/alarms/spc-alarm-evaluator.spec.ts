import { JsonLogger } from '@vigil/platform';

import { RaisedAlarm } from '../../spc';
import { Clock } from '../quality/clock';
import { CountedSubgroup, QualityStatsRepository } from '../quality/quality-stats.repository';
import { SpcAlarmEvaluator } from './spc-alarm-evaluator';
import { DEFAULT_SPC_ALARM_OPTIONS, SpcAlarmOptions } from './spc-alarm-options';
import { SpcAlarmMetrics } from './spc-alarm-metrics';
import { SpcAlarm, SpcAlarmRepository } from './spc-alarm.repository';

const HOUR_MS = 3_600_000;
const T0 = Date.parse('2026-11-22T00:00:00Z');
const at = (hour: number) => T0 + hour * HOUR_MS;
const iso = (ms: number) => new Date(ms).toISOString();
/** Hourly subgroups of 100 parts from hour `first`, with these defective counts. */
const hours = (first: number, defects: number[]): CountedSubgroup[] => defects.map((defective, i) => ({ startMs: at(first + i), endMs: at(first + i + 1), inspected: 100, defective }));
const stored = (alarm: RaisedAlarm, id: string): SpcAlarm =>
  ({ id, lineId: 'L1', subgroup: '1h', rule: alarm.rule, side: alarm.side, point: alarm.point, chart: { start: alarm.chartStart, centre: alarm.centre } }) as SpcAlarm;

describe(SpcAlarmEvaluator.name, () => {
  let sut: SpcAlarmEvaluator;
  let alarms: jest.Mocked<Pick<SpcAlarmRepository, 'lines' | 'judgedUntil' | 'raise'>>;
  let stats: jest.Mocked<Pick<QualityStatsRepository, 'timeSubgroups'>>;
  let raised: jest.Mock;
  const options: SpcAlarmOptions = { ...DEFAULT_SPC_ALARM_OPTIONS, intervalMs: 0 };

  beforeEach(() => {
    alarms = { lines: jest.fn().mockResolvedValue(['L1']), judgedUntil: jest.fn(), raise: jest.fn(async (_line: string, _subgroup: string, judged: RaisedAlarm[], _until: number) => judged.map((a, i) => stored(a, String(i + 1)))) };
    stats = { timeSubgroups: jest.fn() };
    raised = jest.fn();
    sut = new SpcAlarmEvaluator(
      options,
      alarms as unknown as SpcAlarmRepository,
      stats as unknown as QualityStatsRepository,
      { raised: { inc: raised }, evaluationFailures: { inc: jest.fn() } } as unknown as SpcAlarmMetrics,
      { now: () => at(10) } as Clock,
      { pino: { warn: jest.fn(), error: jest.fn() } } as unknown as JsonLogger,
    );
  });

  it('judges the hours closed since the line’s mark, charting the day before each, and stores what they raise with the new mark', async () => {
    // Judged up to 08:00; at 10:01:59 hour 9 is still within its grace, so only hour 8 is judged.
    alarms.judgedUntil.mockResolvedValue(at(8));
    stats.timeSubgroups.mockResolvedValue(hours(0, [4, 4, 4, 4, 4, 4, 4, 4, 20]));

    const result = await sut.evaluate(at(10) + 119_000);

    expect(stats.timeSubgroups).toHaveBeenCalledWith({ from: iso(at(8 - 23)), to: iso(at(9)) }, 'L1', HOUR_MS);
    expect(alarms.raise).toHaveBeenCalledWith('L1', '1h', [expect.objectContaining({ rule: 1, side: 'above', point: expect.objectContaining({ start: iso(at(8)), defective: 20 }) })], at(9));
    expect(result.map((a) => [a.id, a.rule])).toEqual([['1', 1]]);
    expect(raised).toHaveBeenCalledWith({ line: 'L1', rule: '1' });
  });

  it('judges, on a line it never judged, only the last window of closed hours', async () => {
    alarms.judgedUntil.mockResolvedValue(undefined);
    stats.timeSubgroups.mockResolvedValue([]);

    await sut.evaluate(at(100) + 120_000);

    // Hours 76..99 are judged, on charts reaching back to hour 53.
    expect(stats.timeSubgroups).toHaveBeenCalledWith({ from: iso(at(53)), to: iso(at(100)) }, 'L1', HOUR_MS);
    expect(alarms.raise).toHaveBeenCalledWith('L1', '1h', [], at(100));
  });

  it('reads nothing for a line already judged up to the last closed hour', async () => {
    alarms.judgedUntil.mockResolvedValue(at(10));

    await expect(sut.evaluate(at(11) + 60_000)).resolves.toEqual([]);
    expect(stats.timeSubgroups).not.toHaveBeenCalled();
    expect(alarms.raise).not.toHaveBeenCalled();
  });

  it('counts only the alarms the repository stored, not those another evaluation stored first', async () => {
    alarms.judgedUntil.mockResolvedValue(at(8));
    stats.timeSubgroups.mockResolvedValue(hours(0, [4, 4, 4, 4, 4, 4, 4, 4, 20]));
    alarms.raise.mockResolvedValue([]);

    await expect(sut.evaluate(at(9) + 120_000)).resolves.toEqual([]);
    expect(alarms.raise).toHaveBeenCalledWith('L1', '1h', [expect.objectContaining({ rule: 1 })], at(9));
    expect(raised).not.toHaveBeenCalled();
  });

  it('refuses a chart subgroup that is not a time bucket when built', () => {
    expect(() => new SpcAlarmEvaluator({ ...options, subgroup: 'shift' }, alarms as never, stats as never, {} as never, {} as never, {} as never)).toThrow(
      "subgroup: SPC alarms need a time bucket (e.g. 1h), got 'shift'",
    );
  });
});
