/**
 * Reads the account-sequence model's weights from the ONNX file core-ml exports
 * (libs/core-ml/src/sequence/sequence-onnx.ts), so the native forward pass runs the very file
 * ONNX Runtime serves. It checks the file against that graph (not node by node): only its op types
 * (the INT8 variant's quantization ops are refused), the `sequence` input, every weight by name with the dims the
 * architecture implies, the −1e9 padding bias and one LayerNorm epsilon. The architecture comes from
 * the tensors themselves (`heads` and the mask channel from the graph's shape constants).
 */
import { onnx } from 'onnx-proto';

/** One transformer encoder layer over `steps` steps of `channels` channels. */
export interface SequenceArchitecture {
  steps: number;
  channels: number;
  /** The channel holding each step's validity (1 real, 0 padding). */
  maskChannel: number;
  dModel: number;
  heads: number;
  ffn: number;
}

/** The model's tensors, in the order the addon takes them (core-ml's SEQUENCE_TENSOR_NAMES). */
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

export interface SequenceModelGraph {
  architecture: SequenceArchitecture;
  tensors: Record<SequenceTensorName, Float32Array>;
  /** The attention logits' scale as stored (`attn_scale`, 1/√(dModel/heads)). */
  attentionScale: number;
  /** LayerNormalization epsilon. */
  epsilon: number;
}

/** Bounds of the native workspace (src/ops/sequence_model/sequence_model.h). */
export const SEQUENCE_LIMITS = { steps: 64, channels: 256, dModel: 256, ffn: 1024 } as const;

/** The op types of the fp32 graph; anything else is a different model. */
const GRAPH_OPS = new Set([
  'Slice', 'Transpose', 'Unsqueeze', 'Sub', 'Mul', 'MatMul', 'Add', 'Reshape', 'Softmax',
  'LayerNormalization', 'Relu', 'ReduceSum', 'Div', 'Sigmoid',
]);

const PADDING_BIAS_SCALE = 1e9;

type Int = number | { toNumber(): number };
const toNumber = (value: Int): number => (typeof value === 'number' ? value : value.toNumber());

/** Parses and checks `bytes`; every failure is a RangeError starting with `onnx:`. */
export function readSequenceModelOnnx(bytes: Uint8Array): SequenceModelGraph {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new RangeError(`onnx: not an ONNX model (${(error as Error).message})`);
  }
  const graph = model.graph;
  if (!graph) throw new RangeError('onnx: the model has no graph');
  const nodes = graph.node ?? [];
  for (const node of nodes) {
    if (!GRAPH_OPS.has(node.opType ?? '') || (node.domain ?? '') !== '') {
      throw new RangeError(`onnx: op ${node.opType} (node ${node.name}) is not part of the fp32 sequence graph this forward pass implements`);
    }
  }
  const input = (graph.input ?? []).find((value) => value.name === 'sequence');
  const inputDims = input?.type?.tensorType?.shape?.dim ?? [];
  if (!input || inputDims.length !== 3) throw new RangeError('onnx: expected a graph input `sequence` of rank 3 [N, steps, channels]');
  for (const name of ['score', 'logit']) {
    if (!(graph.output ?? []).some((value) => value.name === name)) throw new RangeError(`onnx: expected a graph output \`${name}\``);
  }

  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name, t]));
  const floats = (name: string): { dims: number[]; values: Float32Array } => {
    const t = initializers.get(name);
    if (!t) throw new RangeError(`onnx: initializer ${name} is missing`);
    if (t.dataType !== onnx.TensorProto.DataType.FLOAT) throw new RangeError(`onnx: initializer ${name} must be float32, got data type ${t.dataType}`);
    const dims = (t.dims ?? []).map(toNumber);
    const size = dims.reduce((n, m) => n * m, 1);
    const values = t.rawData && t.rawData.length > 0 ? littleEndian(t.rawData, size, 4, (v, o) => v.getFloat32(o, true), name) : Float32Array.from(t.floatData ?? []);
    if (values.length !== size) throw new RangeError(`onnx: initializer ${name} holds ${values.length} values for dims [${dims.join(', ')}]`);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`onnx: initializer ${name}[${bad}] is ${values[bad]}`);
    return { dims, values: values instanceof Float32Array ? values : Float32Array.from(values) };
  };
  const int64s = (name: string): number[] => {
    const t = initializers.get(name);
    if (!t || t.dataType !== onnx.TensorProto.DataType.INT64) throw new RangeError(`onnx: int64 initializer ${name} is missing`);
    const size = (t.dims ?? []).map(toNumber).reduce((n, m) => n * m, 1);
    if (t.rawData && t.rawData.length > 0) return Array.from(littleEndian(t.rawData, size, 8, (v, o) => Number(v.getBigInt64(o, true)), name));
    return (t.int64Data ?? []).map(toNumber);
  };
  const scalar = (name: string): number => {
    const { values } = floats(name);
    if (values.length !== 1) throw new RangeError(`onnx: initializer ${name} must be a scalar`);
    return values[0];
  };

  const [channels, dModel] = floats('input_weight').dims;
  const steps = floats('pos').dims[0];
  const ffn = floats('ffn_1_weight').dims[1];
  const headsShape = int64s('heads_shape'); // [-1, steps, heads, dModel / heads]
  const heads = headsShape[2];
  const maskChannel = int64s('mask_start')[0];
  const architecture = { steps, channels, maskChannel, dModel, heads, ffn };
  checkArchitecture(architecture, headsShape);
  const declared = inputDims.slice(1).map((dim) => (dim.dimValue === undefined || dim.dimValue === null ? NaN : toNumber(dim.dimValue)));
  if (declared[0] !== steps || declared[1] !== channels) {
    throw new RangeError(`onnx: input \`sequence\` is [N, ${declared.join(', ')}], but the weights imply [N, ${steps}, ${channels}]`);
  }

  const expected = expectedDims(architecture);
  const tensors = {} as Record<SequenceTensorName, Float32Array>;
  for (const name of SEQUENCE_TENSOR_NAMES) {
    const { dims, values } = floats(name);
    if (dims.length !== expected[name].length || dims.some((n, i) => n !== expected[name][i])) {
      throw new RangeError(`onnx: initializer ${name} has dims [${dims.join(', ')}], expected [${expected[name].join(', ')}]`);
    }
    tensors[name] = values;
  }
  if (scalar('one') !== 1 || scalar('mask_scale') !== PADDING_BIAS_SCALE) {
    throw new RangeError(`onnx: the padding-key bias must be (valid − 1) · ${PADDING_BIAS_SCALE}`);
  }
  const attentionScale = scalar('attn_scale');
  if (Math.abs(attentionScale * Math.sqrt(dModel / heads) - 1) > 1e-6) {
    throw new RangeError(`onnx: attn_scale ${attentionScale} is not 1/√(dModel/heads)`);
  }
  return { architecture, tensors, attentionScale, epsilon: layerNormEpsilon(nodes) };
}

function littleEndian(raw: Uint8Array, size: number, width: number, read: (view: DataView, offset: number) => number, name: string): Float32Array | Float64Array {
  if (raw.length !== size * width) throw new RangeError(`onnx: initializer ${name} holds ${raw.length} bytes for ${size} values`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = width === 4 ? new Float32Array(size) : new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = read(view, i * width);
  return out;
}

function checkArchitecture(a: SequenceArchitecture, headsShape: number[]): void {
  const within = (value: number, max: number): boolean => Number.isInteger(value) && value >= 1 && value <= max;
  if (!within(a.steps, SEQUENCE_LIMITS.steps) || !within(a.channels, SEQUENCE_LIMITS.channels) || !within(a.dModel, SEQUENCE_LIMITS.dModel) || !within(a.ffn, SEQUENCE_LIMITS.ffn)) {
    throw new RangeError(
      `onnx: architecture ${JSON.stringify(a)} is outside the native bounds (steps ≤ ${SEQUENCE_LIMITS.steps}, channels ≤ ${SEQUENCE_LIMITS.channels}, dModel ≤ ${SEQUENCE_LIMITS.dModel}, ffn ≤ ${SEQUENCE_LIMITS.ffn})`,
    );
  }
  if (headsShape.length !== 4 || headsShape[1] !== a.steps || !(a.heads >= 1) || headsShape[3] * a.heads !== a.dModel) {
    throw new RangeError(`onnx: heads_shape [${headsShape.join(', ')}] does not split dModel ${a.dModel} into heads`);
  }
  if (!Number.isInteger(a.maskChannel) || a.maskChannel < 0 || a.maskChannel >= a.channels) {
    throw new RangeError(`onnx: mask channel ${a.maskChannel} is not a channel of ${a.channels}`);
  }
}

function expectedDims(a: SequenceArchitecture): Record<SequenceTensorName, number[]> {
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

function layerNormEpsilon(nodes: onnx.INodeProto[]): number {
  const epsilons = nodes
    .filter((node) => node.opType === 'LayerNormalization')
    .map((node) => node.attribute?.find((a) => a.name === 'epsilon')?.f ?? 1e-5); // 1e-5: the ONNX default
  if (epsilons.length !== 2 || epsilons[0] !== epsilons[1]) {
    throw new RangeError(`onnx: expected two LayerNormalization nodes with one epsilon, got [${epsilons.join(', ')}]`);
  }
  return epsilons[0];
}
