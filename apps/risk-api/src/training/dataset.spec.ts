import { computeFeatures, computeSequences, FEATURE_NAMES, toModelInput } from '../modules/features';
import { decodeTransaction } from '@vigil/contracts';
import { generate } from '../simulator/generate';
import { buildDataset, selectRows, simulationOptions } from './dataset';

describe('buildDataset', () => {
  const spec = { seed: 11, accounts: 120, days: 3, start: '2026-11-01', intensity: 3 };
  const data = buildDataset(spec);

  it('holds exactly the features the service computes for the same stream', () => {
    const { transactions } = generate(simulationOptions(spec));
    const decoded = transactions.map((tx) => {
      const result = decodeTransaction(Buffer.from(tx.originator.account), Buffer.from(JSON.stringify(tx)));
      if (!result.ok) throw new Error(result.message);
      return result.transaction;
    });
    const expected = computeFeatures(decoded).map((vector) => Array.from(toModelInput(vector)));
    const width = FEATURE_NAMES.length;
    expect(data.rows).toBe(transactions.length);
    expect(expected.map((_, row) => Array.from(data.features.subarray(row * width, (row + 1) * width)))).toEqual(expected);
    const sequences = computeSequences(decoded);
    expect([data.steps, data.channels]).toEqual([sequences.steps, sequences.channels]);
    expect(data.sequences).toEqual(sequences.data);
  });

  it('labels fraud and AML positive, decoys and background negative', () => {
    const positives = data.pattern.filter((_, row) => data.labels[row] === 1);
    expect(positives.length).toBeGreaterThan(0);
    expect(positives).not.toContain('background');
    expect(positives).not.toContain('payroll');
    data.instance.forEach((instance, row) => expect(instance === null).toBe(data.pattern[row] === 'background'));
  });

  it('cuts every column alike', () => {
    const late = selectRows(data, (row) => data.day[row] >= 2);
    const first = data.day.indexOf(2);
    const width = FEATURE_NAMES.length;
    expect(late.rows).toBe(data.rows - first);
    expect(Array.from(late.features.subarray(0, width))).toEqual(Array.from(data.features.subarray(first * width, (first + 1) * width)));
    expect(late.pattern[0]).toBe(data.pattern[first]);
    expect(late.ruleScores[0]).toBe(data.ruleScores[first]);
    const size = data.steps * data.channels;
    expect(late.sequences.subarray(0, size)).toEqual(data.sequences.subarray(first * size, (first + 1) * size));
  });
});
