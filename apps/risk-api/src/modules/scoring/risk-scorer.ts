import { RiskDecisionMessage } from '@vigil/contracts';
import { combineLogits, LogisticStack, MicroBatcher, ModelSession, ShapExplainer, Tensor } from '@vigil/core-ml';

import { FEATURE_NAMES } from '../features';
import { fromMicros, toMicros } from '../rules';

/** What the training pipeline writes into a risk model's manifest beside the standard keys. */
export interface RiskModelManifest {
  readonly name: string;
  readonly version: number;
  readonly features: readonly string[];
  readonly stack: LogisticStack;
  readonly thresholds: { readonly review: number; readonly block: number };
  readonly sequence: { readonly steps: number; readonly channels: number };
}

export interface ModelScore {
  readonly name: string;
  readonly version: number;
  /** The stacked probability, rounded to the decision's micro-units. */
  readonly score: number;
  /** The tree model's exact TreeSHAP contributions (its margin's share of the stack), largest |value| first. */
  readonly topFeatures: RiskDecisionMessage['topFeatures'];
}

/** One transaction as the models read it: its features laid out in FEATURE_NAMES order, and its sequence. */
export interface ScoringInput {
  readonly row: Float32Array;
  readonly sequence: Float32Array;
}

export const TOP_FEATURES = 5;

/** Batching in front of each session: rows from concurrent batches share one ONNX run. */
const BATCHING = { maxBatchSize: 1024, maxWaitMs: 1, maxQueue: 8192 };

/**
 * One version of the risk model, ready to score: the tree and sequence sessions behind micro-
 * batchers, their logits stacked as in training, and TreeSHAP over the very trees the ONNX graph
 * holds for each decision's explanation. It scores; the alert budget decides (with the thresholds
 * training set, `shipped`, until its window has warmed up).
 */
export class RiskScorer {
  readonly name: string;
  readonly version: number;
  readonly shipped: RiskModelManifest['thresholds'];
  readonly #manifest: RiskModelManifest;
  readonly #explainer: ShapExplainer;
  readonly #trees: MicroBatcher<Float32Array, number>;
  readonly #sequence: MicroBatcher<Float32Array, number>;

  constructor(manifest: RiskModelManifest, sessions: { trees: ModelSession; sequence: ModelSession }, explainer: ShapExplainer) {
    checkManifest(manifest);
    this.name = manifest.name;
    this.version = manifest.version;
    this.shipped = manifest.thresholds;
    this.#manifest = manifest;
    this.#explainer = explainer;
    const width = FEATURE_NAMES.length;
    const { steps, channels } = manifest.sequence;
    this.#trees = new MicroBatcher(logitsOf(sessions.trees, 'features', 'margin', [width]), { name: `${manifest.name}@${manifest.version}/trees`, ...BATCHING });
    this.#sequence = new MicroBatcher(logitsOf(sessions.sequence, 'sequence', 'logit', [steps, channels]), { name: `${manifest.name}@${manifest.version}/sequence`, ...BATCHING });
  }

  async score(inputs: readonly ScoringInput[]): Promise<ModelScore[]> {
    const [trees, sequence] = await Promise.all([Promise.all(inputs.map(({ row }) => this.#trees.submit(row))), Promise.all(inputs.map(({ sequence: s }) => this.#sequence.submit(s)))]);
    return inputs.map((_, i) => ({
      name: this.name,
      version: this.version,
      score: fromMicros(toMicros(combineLogits(this.#manifest.stack, [trees[i], sequence[i]]))),
      topFeatures: this.#explain(inputs[i].row),
    }));
  }

  /** Stops taking rows; rows already submitted are scored. */
  async close(): Promise<void> {
    await Promise.all([this.#trees.close(), this.#sequence.close()]);
  }

  #explain(row: Float32Array): RiskDecisionMessage['topFeatures'] {
    const contributions = this.#explainer.explain(row).contributions;
    const weight = this.#manifest.stack.weights[0];
    return Array.from(contributions, (c, f) => ({ f, c: c * weight }))
      .filter(({ c }) => c !== 0)
      .sort((a, b) => Math.abs(b.c) - Math.abs(a.c) || a.f - b.f)
      .slice(0, TOP_FEATURES)
      .map(({ f, c }) => ({ name: FEATURE_NAMES[f], value: row[f], contribution: Math.round(c * 1e6) / 1e6 }));
  }
}

function logitsOf(session: ModelSession, input: string, output: string, rowShape: number[]) {
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  return async (rows: Float32Array[]): Promise<number[]> => {
    const data = new Float32Array(rows.length * rowSize);
    rows.forEach((row, i) => data.set(row, i * rowSize));
    const out = await session.run({ [input]: new Tensor('float32', data, [rows.length, ...rowShape]) });
    return Array.from(out[output].data as Float32Array);
  };
}

function checkManifest(manifest: RiskModelManifest): void {
  const where = `${manifest.name}@${manifest.version}`;
  if (manifest.features.length !== FEATURE_NAMES.length || manifest.features.some((name, i) => name !== FEATURE_NAMES[i])) {
    throw new RangeError(`${where}: was trained on other features than this service computes (${manifest.features.length} vs ${FEATURE_NAMES.length}); retrain it`);
  }
  if (manifest.stack.weights.length !== 2) throw new RangeError(`${where}: the stack must combine trees and sequence, it has ${manifest.stack.weights.length} inputs`);
  const { review, block } = manifest.thresholds;
  if (!(review > 0 && review <= block && block <= 1)) throw new RangeError(`${where}: thresholds must satisfy 0 < review <= block <= 1, got ${review} and ${block}`);
}
