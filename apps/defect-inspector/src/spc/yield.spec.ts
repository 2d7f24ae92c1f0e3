import { yieldByLineAndShift } from './yield';

const hour = (iso: string) => Date.parse(iso);

describe(yieldByLineAndShift.name, () => {
  it('folds a line’s hours into its shifts and the line total', () => {
    const lines = yieldByLineAndShift([
      { line: 'L2', hourMs: hour('2026-11-22T07:00:00Z'), inspected: 10, defective: 0 },
      { line: 'L1', hourMs: hour('2026-11-22T05:00:00Z'), inspected: 100, defective: 10 },
      { line: 'L1', hourMs: hour('2026-11-22T06:00:00Z'), inspected: 200, defective: 4 },
      { line: 'L1', hourMs: hour('2026-11-22T13:00:00Z'), inspected: 200, defective: 6 },
      { line: 'L1', hourMs: hour('2026-11-22T14:00:00Z'), inspected: 50, defective: 50 },
    ]);

    expect(lines.map((l) => [l.line, l.inspected, l.defective, l.yield])).toEqual([
      ['L1', 550, 70, 480 / 550],
      ['L2', 10, 0, 1],
    ]);
    expect(lines[0].shifts).toEqual([
      { shift: 'C', day: '2026-11-21', start: '2026-11-21T22:00:00.000Z', end: '2026-11-22T06:00:00.000Z', inspected: 100, defective: 10, yield: 0.9 },
      { shift: 'A', day: '2026-11-22', start: '2026-11-22T06:00:00.000Z', end: '2026-11-22T14:00:00.000Z', inspected: 400, defective: 10, yield: 0.975 },
      { shift: 'B', day: '2026-11-22', start: '2026-11-22T14:00:00.000Z', end: '2026-11-22T22:00:00.000Z', inspected: 50, defective: 50, yield: 0 },
    ]);
  });

  it('answers no lines for no hours', () => {
    expect(yieldByLineAndShift([])).toEqual([]);
  });

  it('refuses an hour that does not start on the hour, or more defective than inspected', () => {
    expect(() => yieldByLineAndShift([{ line: 'L1', hourMs: 1_000, inspected: 1, defective: 0 }])).toThrow('hours[0].hourMs must start a whole UTC hour');
    expect(() => yieldByLineAndShift([{ line: 'L1', hourMs: 0, inspected: 1, defective: 2 }])).toThrow('hours[0].defective must be an integer from 0 to inspected');
  });
});
