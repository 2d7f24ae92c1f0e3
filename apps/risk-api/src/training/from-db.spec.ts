import { splitInTime } from './from-db';

describe(splitInTime.name, () => {
  it('holds out the latest transactions, fits on the earliest and stacks on those between', () => {
    // Ingest order differs from event time; eleven transactions at ten instants. The cut for the
    // latest 30 % falls on instant 6, held by two: both go to evaluation.
    const ts = Float64Array.from([5, 1, 2, 9, 3, 4, 6, 6, 7, 8, 0]);

    const split = splitInTime({ rows: ts.length, ts }, 0.3, 0.5);

    expect([split.fit, split.stack, split.evaluation].map((part) => part.map((row) => ts[row]))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6, 6, 7, 8, 9],
    ]);
  });

  it('never cuts between transactions of one instant', () => {
    const ts = Float64Array.from([1, 2, 2, 2, 2]);

    const split = splitInTime({ rows: ts.length, ts }, 0.5, 0.5);

    expect(split.evaluation.map((row) => ts[row])).toEqual([2, 2, 2, 2]);
    expect(split.fit.concat(split.stack).map((row) => ts[row])).toEqual([1]);
  });
});
