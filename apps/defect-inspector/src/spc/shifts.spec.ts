import { DEFAULT_SHIFTS, shiftOf } from './shifts';

const at = (iso: string) => Date.parse(iso);
const slot = (iso: string) => {
  const s = shiftOf(at(iso));
  return { shift: s.shift, day: s.day, start: new Date(s.startMs).toISOString(), end: new Date(s.endMs).toISOString() };
};

describe(shiftOf.name, () => {
  it.each([
    ['2026-11-22T06:00:00.000Z', 'A', '2026-11-22', '2026-11-22T06:00:00.000Z', '2026-11-22T14:00:00.000Z'],
    ['2026-11-22T13:59:59.999Z', 'A', '2026-11-22', '2026-11-22T06:00:00.000Z', '2026-11-22T14:00:00.000Z'],
    ['2026-11-22T14:00:00.000Z', 'B', '2026-11-22', '2026-11-22T14:00:00.000Z', '2026-11-22T22:00:00.000Z'],
    ['2026-11-22T22:00:00.000Z', 'C', '2026-11-22', '2026-11-22T22:00:00.000Z', '2026-11-23T06:00:00.000Z'],
    ['2026-11-22T23:30:00.000Z', 'C', '2026-11-22', '2026-11-22T22:00:00.000Z', '2026-11-23T06:00:00.000Z'],
    // After midnight, before 06:00: the night shift of the day before.
    ['2026-11-23T00:00:00.000Z', 'C', '2026-11-22', '2026-11-22T22:00:00.000Z', '2026-11-23T06:00:00.000Z'],
    ['2026-11-23T05:59:59.999Z', 'C', '2026-11-22', '2026-11-22T22:00:00.000Z', '2026-11-23T06:00:00.000Z'],
  ])('%s is shift %s of %s (%s to %s)', (iso, shift, day, start, end) => {
    expect(slot(iso)).toEqual({ shift, day, start, end });
  });

  it('takes other shift tables: two 12-hour shifts from midnight', () => {
    const s = shiftOf(at('2026-11-22T18:00:00Z'), [
      { name: 'day', startHour: 0 },
      { name: 'night', startHour: 12 },
    ]);

    expect([s.shift, s.day, new Date(s.endMs).toISOString()]).toEqual(['night', '2026-11-22', '2026-11-23T00:00:00.000Z']);
  });

  it('refuses a table out of order or off the whole hours, naming the entry', () => {
    expect(() => shiftOf(0, [DEFAULT_SHIFTS[1], DEFAULT_SHIFTS[0]])).toThrow('shifts[1].startHour (6) must be after shifts[0].startHour (14)');
    expect(() => shiftOf(0, [{ name: 'A', startHour: 6.5 }])).toThrow('shifts[0].startHour must be an integer hour 0..23, got 6.5');
    expect(() => shiftOf(0, [])).toThrow('at least one shift');
    expect(() => shiftOf(Number.NaN)).toThrow('tsMs must be a finite number');
  });
});
