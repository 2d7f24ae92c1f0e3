import { Transaction } from '@vigil/contracts';

import { FeatureConfig } from '../feature-config';
import { SequenceConfig, SequenceEncoder } from './sequence-encoder';

/** Sequences of a batch, row-major [count, steps, channels], as the trainer and the ONNX input take them. */
export interface SequenceBatch {
  data: Float32Array;
  count: number;
  steps: number;
  channels: number;
}

/**
 * Batch sequences for training: one fresh SequenceEncoder fed `history` in processing order. Serving
 * runs the same encoder one transaction at a time, so training and serving inputs cannot differ.
 */
export function computeSequences(
  history: readonly Transaction[],
  config?: Partial<SequenceConfig>,
  features?: Partial<FeatureConfig>,
): SequenceBatch {
  const encoder = new SequenceEncoder(config, features);
  const size = encoder.steps * encoder.channels;
  const data = new Float32Array(history.length * size);
  history.forEach((tx, i) => encoder.processInto(tx, data, i * size));
  return { data, count: history.length, steps: encoder.steps, channels: encoder.channels };
}
