/**
 * The account-sequence model's weights as seq-train writes them (libs/core-ml/native/seq-train): every
 * matrix stored [in, out], so exporters use it as MatMul's right operand unchanged.
 */

/** The architecture: one transformer encoder layer over K steps of D channels. */
export interface SequenceArchitecture {
  /** K */
  steps: number;
  /** D */
  channels: number;
  /** The channel holding each step's validity (1 real, 0 padding): the attention and pooling mask. */
  maskChannel: number;
  /** d: the model width. */
  dModel: number;
  heads: number;
  /** The feed-forward layer's width. */
  ffn: number;
}

/** Every tensor, in the order seq-train writes them. */
export const SEQUENCE_TENSOR_NAMES = [
  'input_weight', 'input_bias', 'pos',
  'attn_q_weight', 'attn_q_bias', 'attn_k_weight', 'attn_k_bias', 'attn_v_weight', 'attn_v_bias',
  'attn_out_weight', 'attn_out_bias',
  'ln1_weight', 'ln1_bias',
  'ffn_1_weight', 'ffn_1_bias', 'ffn_2_weight', 'ffn_2_bias',
  'ln2_weight', 'ln2_bias',
  'head_weight', 'head_bias',
] as const;

export type SequenceTensorName = (typeof SEQUENCE_TENSOR_NAMES)[number];

export interface SequenceTensor {
  dims: number[];
  values: Float32Array;
}

export interface SequenceModelWeights {
  architecture: SequenceArchitecture;
  tensors: Record<SequenceTensorName, SequenceTensor>;
}

/** LayerNorm epsilon and the additive attention bias of a padding key: the trainer's constants. */
export const SEQUENCE_LAYER_NORM_EPSILON = 1e-5;
export const SEQUENCE_MASK_BIAS = -1e9;

/** The dims each tensor must have under `a`. */
export function expectedSequenceDims(a: SequenceArchitecture): Record<SequenceTensorName, number[]> {
  const d = a.dModel;
  return {
    input_weight: [a.channels, d], input_bias: [d], pos: [a.steps, d],
    attn_q_weight: [d, d], attn_q_bias: [d], attn_k_weight: [d, d], attn_k_bias: [d], attn_v_weight: [d, d], attn_v_bias: [d],
    attn_out_weight: [d, d], attn_out_bias: [d],
    ln1_weight: [d], ln1_bias: [d],
    ffn_1_weight: [d, a.ffn], ffn_1_bias: [a.ffn], ffn_2_weight: [a.ffn, d], ffn_2_bias: [d],
    ln2_weight: [d], ln2_bias: [d],
    head_weight: [d, 1], head_bias: [1],
  };
}

const positiveInteger = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

/** Throws a RangeError naming the first field or tensor that does not fit; exporters call it first. */
export function validateSequenceModel(weights: SequenceModelWeights): void {
  const a = weights.architecture;
  for (const field of ['steps', 'channels', 'dModel', 'heads', 'ffn'] as const) {
    if (!positiveInteger(a[field])) throw new RangeError(`weights.architecture.${field} must be a positive integer, got ${a[field]}`);
  }
  if (!Number.isInteger(a.maskChannel) || a.maskChannel < 0 || a.maskChannel >= a.channels) {
    throw new RangeError(`weights.architecture.maskChannel must be an integer in 0..${a.channels - 1}, got ${a.maskChannel}`);
  }
  if (a.dModel % a.heads !== 0) throw new RangeError(`weights.architecture.dModel ${a.dModel} must be a multiple of heads ${a.heads}`);
  const expected = expectedSequenceDims(a);
  for (const name of SEQUENCE_TENSOR_NAMES) {
    const tensor = weights.tensors[name];
    if (tensor === undefined) throw new RangeError(`weights.tensors.${name} is missing`);
    const dims = expected[name];
    if (tensor.dims.length !== dims.length || tensor.dims.some((n, i) => n !== dims[i])) {
      throw new RangeError(`weights.tensors.${name} has dims [${tensor.dims.join(', ')}], expected [${dims.join(', ')}]`);
    }
    const size = dims.reduce((n, m) => n * m, 1);
    if (!(tensor.values instanceof Float32Array) || tensor.values.length !== size) {
      throw new RangeError(`weights.tensors.${name} must be a Float32Array of ${size} values`);
    }
    if (!tensor.values.every(Number.isFinite)) throw new RangeError(`weights.tensors.${name} holds a non-finite value`);
  }
}

interface Manifest {
  format: string;
  model: SequenceArchitecture;
  tensors: { name: string; shape: number[]; offset: number }[];
}

/** Weights from seq-train's manifest.json and weights.bin, checked against the architecture. */
export function parseSequenceModel(manifestJson: string, weightsBin: Uint8Array): SequenceModelWeights {
  const manifest = JSON.parse(manifestJson) as Manifest;
  if (manifest.format !== 'seq-train/1') throw new RangeError(`manifest format must be seq-train/1, got ${manifest.format}`);
  if (weightsBin.byteLength % 4 !== 0) throw new RangeError(`weights.bin holds ${weightsBin.byteLength} bytes, not a whole number of float32`);
  // Copied into an aligned buffer: a Node Buffer's byteOffset need not be a multiple of 4.
  const all = new Float32Array(weightsBin.byteLength / 4);
  new Uint8Array(all.buffer).set(weightsBin);
  const { steps, channels, maskChannel, dModel, heads, ffn } = manifest.model;
  const tensors = {} as Record<SequenceTensorName, SequenceTensor>;
  for (const entry of manifest.tensors) {
    if (!(SEQUENCE_TENSOR_NAMES as readonly string[]).includes(entry.name)) throw new RangeError(`manifest names an unknown tensor ${entry.name}`);
    const size = entry.shape.reduce((n, m) => n * m, 1);
    if (entry.offset + size > all.length) throw new RangeError(`manifest tensor ${entry.name} runs past the end of weights.bin`);
    tensors[entry.name as SequenceTensorName] = { dims: entry.shape, values: all.slice(entry.offset, entry.offset + size) };
  }
  const weights = { architecture: { steps, channels, maskChannel, dModel, heads, ffn }, tensors };
  validateSequenceModel(weights);
  return weights;
}
