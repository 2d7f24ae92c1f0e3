import { FEATURE_NAMES } from '../modules/features';
import { concatRows, takeRows, weightedBalance } from './fit-models';

const WIDTH = FEATURE_NAMES.length;
const source = {
  features: Float32Array.from({ length: 4 * WIDTH }, (_, i) => Math.floor(i / WIDTH)),
  sequences: Float32Array.from({ length: 4 * 6 }, (_, i) => 10 + Math.floor(i / 6)),
  steps: 2,
  channels: 3,
};

describe(takeRows.name, () => {
  it('cuts features and sequences alike, each row with its label and weight', () => {
    const rows = takeRows(source, [3, 1], (row) => (row === 3 ? 1 : 0), (row) => row / 10);

    expect(rows.rows).toBe(2);
    expect(Array.from(rows.features.subarray(0, WIDTH))).toEqual(Array(WIDTH).fill(3));
    expect(Array.from(rows.features.subarray(WIDTH))).toEqual(Array(WIDTH).fill(1));
    expect(Array.from(rows.sequences)).toEqual([13, 13, 13, 13, 13, 13, 11, 11, 11, 11, 11, 11]);
    expect(Array.from(rows.labels)).toEqual([1, 0]);
    expect(Array.from(rows.weights)).toEqual([Math.fround(0.3), Math.fround(0.1)]);
  });
});

describe(concatRows.name, () => {
  it('appends parts in order and refuses sequences of another shape', () => {
    const a = takeRows(source, [0], () => 0, () => 1);
    const b = takeRows(source, [2, 3], () => 1, () => 0.5);

    const both = concatRows([a, b]);

    expect([both.rows, Array.from(both.labels), Array.from(both.weights)]).toEqual([3, [0, 1, 1], [1, 0.5, 0.5]]);
    expect(both.features[2 * WIDTH]).toBe(3);
    expect(() => concatRows([a, { ...b, channels: 2 }])).toThrow('sequences of 2×2 and 2×3 cannot be mixed');
  });
});

describe(weightedBalance.name, () => {
  it('weighs the negatives against the positives', () => {
    const rows = takeRows(source, [0, 1, 2, 3], (row) => (row === 0 ? 1 : 0), (row) => (row === 0 ? 2 : 0.5));

    expect(weightedBalance(rows)).toBe(0.75);
    expect(() => weightedBalance(takeRows(source, [1], () => 0, () => 1))).toThrow('no positive');
  });
});
