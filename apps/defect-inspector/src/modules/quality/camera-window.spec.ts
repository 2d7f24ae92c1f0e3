import { countedSpan, counterGrowth } from './camera-window';
import { CameraSnapshot } from './quality-stats.repository';

const snapshot = (iso: string, received: number, gaps: number): CameraSnapshot => ({
  cameraId: 'cam-1',
  lineId: 'L1',
  takenAt: new Date(iso),
  fps: 100,
  received,
  rejected: 0,
  dropped: 0,
  gaps,
  duplicates: 0,
  late: 0,
  resyncs: 0,
  latencyP50Ms: 5,
  latencyP99Ms: 9,
  alignmentConfidence: 0.9,
});
const FROM = Date.parse('2026-11-22T12:00:00Z');

describe(counterGrowth.name, () => {
  it('counts growth from the baseline before the window', () => {
    const growth = counterGrowth([snapshot('2026-11-22T11:59:00Z', 1000, 3), snapshot('2026-11-22T12:01:00Z', 7000, 5), snapshot('2026-11-22T12:02:00Z', 13000, 9)], FROM);

    expect([growth.received, growth.gaps]).toEqual([12000, 6]);
  });

  it('counts a counter that fell (a restart) as growing by its new value', () => {
    const growth = counterGrowth([snapshot('2026-11-22T11:59:00Z', 1000, 3), snapshot('2026-11-22T12:01:00Z', 200, 1), snapshot('2026-11-22T12:02:00Z', 500, 1)], FROM);

    expect([growth.received, growth.gaps]).toEqual([500, 1]);
  });

  it('counts from 0 without a baseline', () => {
    expect(counterGrowth([snapshot('2026-11-22T12:01:00Z', 300, 2)], FROM)).toMatchObject({ received: 300, gaps: 2, dropped: 0 });
  });
});

describe(countedSpan.name, () => {
  it('covers the baseline before the window to the last snapshot in it', () => {
    expect(countedSpan([snapshot('2026-11-22T11:59:00Z', 1000, 3), snapshot('2026-11-22T12:02:00Z', 13000, 9)], FROM)).toEqual({
      from: '2026-11-22T11:59:00.000Z',
      to: '2026-11-22T12:02:00.000Z',
    });
  });

  it('has no start without a baseline, and nothing without a snapshot in the window', () => {
    expect(countedSpan([snapshot('2026-11-22T12:01:00Z', 300, 2)], FROM)).toEqual({ from: null, to: '2026-11-22T12:01:00.000Z' });
    expect(countedSpan([snapshot('2026-11-22T11:59:00Z', 300, 2)], FROM)).toBeUndefined();
  });
});
