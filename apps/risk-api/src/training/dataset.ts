import { decodeTransaction } from '@vigil/contracts';

import { FEATURE_NAMES, FeatureEngine, SequenceEncoder, toModelInput } from '../modules/features';
import { compileRuleSet, Decision, DEFAULT_RULE_SET, evaluateRuleSet, RULE_SCHEMA, ruleValues } from '../modules/rules';
import { PopulationName, SimulationOptions, simulate, startInstant } from '../simulator/generate';
import { DAY } from '../simulator/model';
import { DECOY_NAMES, defaultInstanceCount, PATTERN_NAMES } from '../simulator/patterns';

/** One simulated stream: the population, the days and how many pattern instances it carries. */
export interface StreamSpec {
  readonly seed: number;
  readonly accounts: number;
  readonly days: number;
  readonly start: string;
  /** Pattern instances relative to the simulator's default mix (decoys stay at the default). */
  readonly intensity: number;
  /** The simulator's bank (default `first`); `second` is held out: never train on it. */
  readonly population?: PopulationName;
}

/** Per transaction, in stream order: what the service would compute, and the ground truth. */
export interface RiskDataset {
  readonly spec: StreamSpec;
  readonly rows: number;
  /** rows × FEATURE_NAMES.length, row-major, as the tree model reads them. */
  readonly features: Float32Array;
  /** rows × steps × channels: each transaction's originator history, as the sequence model reads it. */
  readonly sequences: Float32Array;
  readonly steps: number;
  readonly channels: number;
  /** 1 for fraud or AML, 0 for benign (decoys included). */
  readonly labels: Float32Array;
  /** The default rule set's score: the rules-only baseline. */
  readonly ruleScores: Float32Array;
  /** What the default rule set decided alone, and the ids of the rules that hit. */
  readonly ruleDecisions: readonly Decision[];
  readonly ruleHits: readonly (readonly string[])[];
  /** The transaction's channel and type: the alert budget's segments. */
  readonly channel: readonly string[];
  readonly type: readonly string[];
  /** Whole days since the stream's start. */
  readonly day: Int32Array;
  readonly pattern: readonly string[];
  /** Pattern instance (`fan-out-003`); null for background traffic. */
  readonly instance: readonly (string | null)[];
}

export type ProgressListener = (fraction: number, rows: number) => void;

/**
 * Simulates a stream and runs every transaction through the contract decoder, the feature engine,
 * the sequence encoder and the default rules, exactly as the service does, so training sees
 * serving's inputs.
 */
export function buildDataset(spec: StreamSpec, onProgress?: ProgressListener): RiskDataset {
  const engine = new FeatureEngine();
  const encoder = new SequenceEncoder();
  const stepSize = encoder.steps * encoder.channels;
  const rules = compileRuleSet(DEFAULT_RULE_SET, RULE_SCHEMA);
  const from = startInstant(spec.start);

  const width = FEATURE_NAMES.length;
  let features: Float32Array = new Float32Array(width * 65_536);
  let sequences: Float32Array = new Float32Array(stepSize * 65_536);
  const labels: number[] = [];
  const ruleScores: number[] = [];
  const ruleDecisions: Decision[] = [];
  const ruleHits: (readonly string[])[] = [];
  const channel: string[] = [];
  const type: string[] = [];
  const day: number[] = [];
  const pattern: string[] = [];
  const instance: (string | null)[] = [];
  for (const simulated of simulate(simulationOptions(spec))) {
    const decoded = decodeTransaction(Buffer.from(simulated.key), Buffer.from(JSON.stringify(simulated.message)));
    if (!decoded.ok) throw new Error(`the simulator produced a transaction the contract refuses (${simulated.message.txId}): ${decoded.message}`);
    const vector = engine.process(decoded.transaction);
    const row = labels.length;
    if ((row + 1) * width > features.length) features = grow(features);
    if ((row + 1) * stepSize > sequences.length) sequences = grow(sequences);
    toModelInput(vector, features.subarray(row * width, (row + 1) * width));
    encoder.processInto(decoded.transaction, sequences, row * stepSize);
    labels.push(simulated.truth.label === 'benign' ? 0 : 1);
    const ruled = evaluateRuleSet(rules, ruleValues(decoded.transaction, vector));
    ruleScores.push(ruled.score);
    ruleDecisions.push(ruled.decision);
    ruleHits.push(ruled.hits.length === 0 ? NO_HITS : ruled.hits.map((hit) => hit.ruleId));
    channel.push(decoded.transaction.channel);
    type.push(decoded.transaction.type);
    day.push(Math.floor((decoded.transaction.ts - from) / DAY));
    pattern.push(simulated.truth.pattern);
    instance.push(simulated.truth.instance);
    if (onProgress && row % 1024 === 0) onProgress((decoded.transaction.ts - from) / (spec.days * DAY), row);
  }
  const rows = labels.length;
  return {
    spec,
    rows,
    features: features.slice(0, rows * width),
    sequences: sequences.slice(0, rows * stepSize),
    steps: encoder.steps,
    channels: encoder.channels,
    labels: Float32Array.from(labels),
    ruleScores: Float32Array.from(ruleScores),
    ruleDecisions,
    ruleHits,
    channel,
    type,
    day: Int32Array.from(day),
    pattern,
    instance,
  };
}

/** Every pattern at the default mix times the intensity, decoys at the default mix. */
export function simulationOptions(spec: StreamSpec): SimulationOptions {
  const count = (factor: number): number => defaultInstanceCount(spec.accounts, spec.days, factor);
  return {
    seed: spec.seed,
    accounts: spec.accounts,
    days: spec.days,
    start: spec.start,
    patterns: Object.fromEntries(PATTERN_NAMES.map((name) => [name, count(spec.intensity)])),
    decoys: Object.fromEntries(DECOY_NAMES.map((name) => [name, count(1)])),
    ...(spec.population ? { population: spec.population } : {}),
  };
}

/** The rows whose index passes `keep`, every column cut alike. */
export function selectRows(dataset: RiskDataset, keep: (row: number) => boolean): RiskDataset {
  const picked: number[] = [];
  for (let row = 0; row < dataset.rows; row++) if (keep(row)) picked.push(row);
  return {
    spec: dataset.spec,
    rows: picked.length,
    ...gatherRows(dataset, picked),
    steps: dataset.steps,
    channels: dataset.channels,
    labels: Float32Array.from(picked, (row) => dataset.labels[row]),
    ruleScores: Float32Array.from(picked, (row) => dataset.ruleScores[row]),
    ruleDecisions: picked.map((row) => dataset.ruleDecisions[row]),
    ruleHits: picked.map((row) => dataset.ruleHits[row]),
    channel: picked.map((row) => dataset.channel[row]),
    type: picked.map((row) => dataset.type[row]),
    day: Int32Array.from(picked, (row) => dataset.day[row]),
    pattern: picked.map((row) => dataset.pattern[row]),
    instance: picked.map((row) => dataset.instance[row]),
  };
}

/** The feature rows and sequences of `source` at `indices`, in that order. */
export function gatherRows(
  source: { features: Float32Array; sequences: Float32Array; steps: number; channels: number },
  indices: readonly number[],
): { features: Float32Array; sequences: Float32Array } {
  const width = FEATURE_NAMES.length;
  const stepSize = source.steps * source.channels;
  const features = new Float32Array(indices.length * width);
  const sequences = new Float32Array(indices.length * stepSize);
  indices.forEach((row, i) => {
    features.set(source.features.subarray(row * width, (row + 1) * width), i * width);
    sequences.set(source.sequences.subarray(row * stepSize, (row + 1) * stepSize), i * stepSize);
  });
  return { features, sequences };
}

const NO_HITS: readonly string[] = Object.freeze([]);

function grow(array: Float32Array): Float32Array {
  const bigger = new Float32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
