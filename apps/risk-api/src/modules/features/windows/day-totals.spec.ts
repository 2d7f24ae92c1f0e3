import { DayTotals } from './day-totals';
import { DAY, HOUR } from './durations';

/** 2026-11-22 00:00 UTC. */
const D0 = Date.UTC(2026, 10, 22);

describe(DayTotals.name, () => {
  it('sums the whole days before the given time\'s day, never that day itself', () => {
    // Prepare
    const sut = new DayTotals();
    sut.add(D0 - 31 * DAY + HOUR, 1_000); // 31 days before: outside 30
    sut.add(D0 - 30 * DAY, 10); // the first of the 30 days
    sut.add(D0 - HOUR, 20); // yesterday, late evening
    sut.add(D0 + HOUR, 40); // today

    // Act
    const totals = sut.query(D0 + 12 * HOUR, 30, -Infinity);

    // Assert
    expect(totals).toEqual({ count: 2, sum: 30 });
  });

  it('counts only days that start after the retention floor, so pruning changes nothing', () => {
    const kept = new DayTotals();
    const pruned = new DayTotals();
    for (const sut of [kept, pruned]) for (let day = 1; day <= 10; day++) sut.add(D0 - day * DAY + HOUR, day);
    const floor = D0 - 5 * DAY;

    const stillThere = pruned.prune(floor);

    expect(stillThere).toBe(true);
    expect(pruned.size).toBe(4);
    expect(pruned.query(D0, 30, floor)).toEqual(kept.query(D0, 30, floor));
    expect(kept.query(D0, 30, floor)).toEqual({ count: 4, sum: 1 + 2 + 3 + 4 });
  });

  it('is empty once every day is past the floor', () => {
    const sut = new DayTotals();
    sut.add(D0, 5);

    expect(sut.prune(D0 + DAY)).toBe(false);
  });
});
