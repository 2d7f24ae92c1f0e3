import { countedSpan, meanFps } from './camera-window';

const at = (iso: string) => Date.parse(iso);

describe(countedSpan.name, () => {
  it('keeps the whole 10 s buckets inside the window', () => {
    expect(countedSpan(at('2026-11-22T12:00:03Z'), at('2026-11-22T12:05:07.500Z'))).toEqual({ fromMs: at('2026-11-22T12:00:10Z'), toMs: at('2026-11-22T12:05:00Z') });
  });

  it('keeps a window on bucket boundaries as it is', () => {
    expect(countedSpan(at('2026-11-22T12:00:00Z'), at('2026-11-22T13:00:00Z'))).toEqual({ fromMs: at('2026-11-22T12:00:00Z'), toMs: at('2026-11-22T13:00:00Z') });
  });

  it('has no span when no whole bucket fits', () => {
    expect(countedSpan(at('2026-11-22T12:00:01Z'), at('2026-11-22T12:00:11Z'))).toBeUndefined();
    expect(countedSpan(at('2026-11-22T12:00:00Z'), at('2026-11-22T12:00:09.999Z'))).toBeUndefined();
  });
});

describe(meanFps.name, () => {
  it('divides the frames by the span in seconds', () => {
    expect(meanFps(7500, { fromMs: at('2026-11-22T12:00:00Z'), toMs: at('2026-11-22T12:05:00Z') })).toBe(25);
  });
});
