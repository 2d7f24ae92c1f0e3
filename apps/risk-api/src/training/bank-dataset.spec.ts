import { computeFeatures, computeSequences, FEATURE_NAMES, toModelInput } from '../modules/features';
import { syntheticHistory } from '../modules/features/testing/synthetic-history';
import { buildBankDataset, Outcome, outcomeOf } from './bank-dataset';
import { BankLabel, BankRecords } from './bank-records';

const history = syntheticHistory({ seed: 5, transactions: 300, accounts: 20, start: Date.UTC(2026, 10, 1), days: 3, lateShare: 0.1, maxLatenessMs: 3_600_000, patterns: 1 });

/** The stored transactions in ingest order (late ones where they arrived), paged as Postgres pages them. */
function records(labels: Map<string, BankLabel>, alerted: Set<string>): BankRecords {
  return {
    extent: async () => ({ count: history.length, lastSeq: history.length }),
    async *transactions(lastSeq: number) {
      for (let at = 0; at < lastSeq; at += 128) yield history.slice(at, Math.min(lastSeq, at + 128)).map((transaction, i) => ({ ingestSeq: at + i + 1, transaction }));
    },
    labels: async () => labels,
    alerted: async () => alerted,
  } as unknown as BankRecords;
}

describe(buildBankDataset.name, () => {
  it('replays the stored transactions in ingest order: the features and sequences serving computed', async () => {
    const data = await buildBankDataset(records(new Map(), new Set()));

    const width = FEATURE_NAMES.length;
    const expected = computeFeatures(history);
    const sequences = computeSequences(history);
    expect(data.rows).toBe(history.length);
    expect(data.txIds).toEqual(history.map((tx) => tx.txId));
    for (let row = 0; row < data.rows; row++) expect(data.features.subarray(row * width, (row + 1) * width)).toEqual(toModelInput(expected[row]));
    expect(data.sequences).toEqual(sequences.data);
    expect(Array.from(data.ts)).toEqual(history.map((tx) => tx.ts));
  });

  it('carries each row’s outcome, and a FRAUD row’s typology', async () => {
    const [a, b, c, d] = history.map((tx) => tx.txId);
    const labels = new Map<string, BankLabel>([
      [a, { label: 'FRAUD', typology: 'structuring' }],
      [b, { label: 'LEGIT', typology: 'fan_in' }],
      [c, { label: 'ESCALATE', typology: 'cycle' }],
    ]);

    const data = await buildBankDataset(records(labels, new Set([a, b, c, d])));

    expect(Array.from(data.outcome.subarray(0, 5))).toEqual([Outcome.Fraud, Outcome.Legit, Outcome.Escalated, Outcome.AlertOpen, Outcome.Unlabelled]);
    expect(data.typology.slice(0, 5)).toEqual(['structuring', null, null, null, null]);
  });
});

describe(outcomeOf.name, () => {
  it('reads a label first, then whether the transaction was alerted', () => {
    expect([outcomeOf('FRAUD', false), outcomeOf('LEGIT', true), outcomeOf('ESCALATE', true), outcomeOf(undefined, true), outcomeOf(undefined, false)]).toEqual([
      Outcome.Fraud,
      Outcome.Legit,
      Outcome.Escalated,
      Outcome.AlertOpen,
      Outcome.Unlabelled,
    ]);
  });
});
