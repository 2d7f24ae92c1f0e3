import { FEATURE_NAMES, FeatureEngine, SequenceEncoder, toModelInput } from '../modules/features';
import { BankRecords } from './bank-records';
import { ProgressListener } from './dataset';

/** What the bank knows about a transaction's outcome. */
export enum Outcome {
  /** Never alerted, never labelled: benign as far as anyone knows. */
  Unlabelled = 0,
  /** Alerted, not (yet) worked: its outcome is unknown. */
  AlertOpen = 1,
  Legit = 2,
  Fraud = 3,
  /** Handed on by the analyst: undecided. */
  Escalated = 4,
}

/** The bank's stored transactions in ingest order, replayed through the serving feature code. */
export interface BankDataset {
  readonly rows: number;
  readonly txIds: readonly string[];
  /** rows × FEATURE_NAMES.length, row-major. */
  readonly features: Float32Array;
  /** rows × steps × channels. */
  readonly sequences: Float32Array;
  readonly steps: number;
  readonly channels: number;
  /** Event time, epoch ms. */
  readonly ts: Float64Array;
  readonly outcome: Uint8Array;
  /** The alert's typology for FRAUD rows (bank-records.ts typologyOf); null elsewhere. */
  readonly typology: readonly (string | null)[];
}

/**
 * Replays every stored transaction, in the order the service first stored them, through a fresh
 * FeatureEngine and SequenceEncoder: the features and sequences an uninterrupted run of the service
 * computed for each, which is what a model trained on them will be served. Each row carries its
 * outcome from the analysts' labels and the alerts.
 */
export async function buildBankDataset(records: BankRecords, onProgress?: ProgressListener): Promise<BankDataset> {
  const { count, lastSeq } = await records.extent();
  const [labels, alerted] = [await records.labels(), await records.alerted()];
  const engine = new FeatureEngine();
  const encoder = new SequenceEncoder();
  const width = FEATURE_NAMES.length;
  const stepSize = encoder.steps * encoder.channels;
  const features = new Float32Array(count * width);
  const sequences = new Float32Array(count * stepSize);
  const ts = new Float64Array(count);
  const outcome = new Uint8Array(count);
  const txIds: string[] = [];
  const typology: (string | null)[] = [];
  for await (const page of records.transactions(lastSeq)) {
    for (const { transaction } of page) {
      const row = txIds.length;
      if (row === count) throw new Error(`more transactions up to ingest position ${lastSeq} than the ${count} counted: was risk.transaction changed during the run?`);
      toModelInput(engine.process(transaction), features.subarray(row * width, (row + 1) * width));
      encoder.processInto(transaction, sequences, row * stepSize);
      ts[row] = transaction.ts;
      const label = labels.get(transaction.txId);
      outcome[row] = outcomeOf(label?.label, alerted.has(transaction.txId));
      typology.push(outcome[row] === Outcome.Fraud && label ? label.typology : null);
      txIds.push(transaction.txId);
    }
    onProgress?.(txIds.length / Math.max(1, count), txIds.length);
  }
  const rows = txIds.length;
  return {
    rows,
    txIds,
    features: features.subarray(0, rows * width),
    sequences: sequences.subarray(0, rows * stepSize),
    steps: encoder.steps,
    channels: encoder.channels,
    ts: ts.subarray(0, rows),
    outcome: outcome.subarray(0, rows),
    typology,
  };
}

export function outcomeOf(label: 'FRAUD' | 'LEGIT' | 'ESCALATE' | undefined, alerted: boolean): Outcome {
  switch (label) {
    case 'FRAUD':
      return Outcome.Fraud;
    case 'LEGIT':
      return Outcome.Legit;
    case 'ESCALATE':
      return Outcome.Escalated;
    case undefined:
      return alerted ? Outcome.AlertOpen : Outcome.Unlabelled;
  }
}
