/**
 * Exports the sequence model as a plain ONNX graph (default domain, opset 17, no fused or contrib
 * ops), so that ORT and a hand-written C++/CUDA forward pass can run the same file.
 *
 *   input  `sequence` float32 [N, K, D]   the encoder's steps, padding at the front
 *   output `score`    float32 [N, 1]      sigmoid(logit), the probability
 *   output `logit`    float32 [N, 1]      the raw logit, for checks against the trainer
 *
 * The graph, in order (W·x means MatMul(x, W) with W stored [in, out]; every Add/Mul broadcasts):
 *
 *   valid  = Slice(sequence, [m], [m+1], axes [2])                      [N, K, 1]  m = maskChannel
 *   bias   = Unsqueeze(Transpose(valid, [0,2,1]), [1]) → (· − 1) · 1e9  [N, 1, 1, K]
 *   h      = sequence·input_weight + input_bias + pos                   [N, K, d]
 *   q, v   = Transpose(Reshape(h·W + b, [-1, K, H, d/H]), [0,2,1,3])    [N, H, K, d/H]
 *   kᵀ     = Transpose(Reshape(h·Wk + bk, [-1, K, H, d/H]), [0,2,3,1])  [N, H, d/H, K]
 *   attn   = Softmax(MatMul(q, kᵀ) · 1/√(d/H) + bias, axis −1)          [N, H, K, K]
 *   a      = Reshape(Transpose(MatMul(attn, v), [0,2,1,3]), [-1, K, d])·attn_out_weight + attn_out_bias
 *   h1     = LayerNormalization(h + a, ln1, axis −1, ε 1e-5)
 *   h2     = LayerNormalization(h1 + Relu(h1·ffn_1_weight + b1)·ffn_2_weight + b2, ln2)
 *   pooled = ReduceSum(h2 · valid, [1]) / ReduceSum(valid, [1])          [N, d]
 *   logit  = pooled·head_weight + head_bias;  score = Sigmoid(logit)
 *
 * The INT8 variant replaces the six inner weight MatMuls (q, k, v, out, ffn 1 and 2) with dynamic
 * quantization (the input projection reads raw channels of very different scales, and the head writes
 * the logit itself, so both stay float): DynamicQuantizeLinear(x) → (xq uint8, xs, xz); MatMulInteger(xq, Wq int8,
 * xz, 0) → int32; Cast to float; Mul by xs · ws (ws per output column, symmetric: |W|max / 127).
 * The two activation×activation MatMuls of attention stay float. DynamicQuantizeLinear takes one scale
 * per tensor, i.e. per batch: an INT8 score depends slightly on what else is in its batch.
 */
import { attr, encodeOnnxModel, OnnxInitializer, OnnxNode, tensor } from '../onnx';
import { SEQUENCE_LAYER_NORM_EPSILON, SEQUENCE_MASK_BIAS, SequenceModelWeights, SequenceTensorName, validateSequenceModel } from './sequence-model';

/** The weight MatMuls, by their weight tensor, and the bias added after each. */
const LINEARS = [
  ['input_weight', 'input_bias'],
  ['attn_q_weight', 'attn_q_bias'],
  ['attn_k_weight', 'attn_k_bias'],
  ['attn_v_weight', 'attn_v_bias'],
  ['attn_out_weight', 'attn_out_bias'],
  ['ffn_1_weight', 'ffn_1_bias'],
  ['ffn_2_weight', 'ffn_2_bias'],
  ['head_weight', 'head_bias'],
] as const satisfies readonly (readonly [SequenceTensorName, SequenceTensorName])[];

type Linear = (typeof LINEARS)[number];

/** The fp32 graph: the trainer's forward pass op for op. */
export function sequenceModelToOnnx(weights: SequenceModelWeights): Uint8Array {
  validateSequenceModel(weights);
  return buildGraph(weights, 'float32');
}

/** The same graph with every weight MatMul dynamically quantized to INT8 (see the file comment). */
export function sequenceModelToOnnxInt8(weights: SequenceModelWeights): Uint8Array {
  validateSequenceModel(weights);
  return buildGraph(weights, 'int8');
}

/** Symmetric per-column INT8: W[i, j] ≈ q[i, j] · scale[j], q in −127..127. */
export function quantizeColumns(values: Float32Array, rows: number, cols: number): { q: Int8Array; scale: Float32Array } {
  const scale = new Float32Array(cols);
  for (let j = 0; j < cols; j++) {
    let max = 0;
    for (let i = 0; i < rows; i++) max = Math.max(max, Math.abs(values[i * cols + j]));
    scale[j] = max > 0 ? max / 127 : 1;
  }
  const q = new Int8Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) q[i * cols + j] = Math.max(-127, Math.min(127, Math.round(values[i * cols + j] / scale[j])));
  }
  return { q, scale };
}

function buildGraph(weights: SequenceModelWeights, precision: 'float32' | 'int8'): Uint8Array {
  const { steps: K, channels: D, maskChannel, dModel: d, heads: H } = weights.architecture;
  const dh = d / H;
  const nodes: OnnxNode[] = [];
  const initializers: OnnxInitializer[] = [];
  const node = (opType: string, inputs: string[], output: string, attributes?: OnnxNode['attributes']): string => {
    nodes.push({ opType, inputs, outputs: [output], ...(attributes ? { attributes } : {}) });
    return output;
  };
  const constant = (name: string, dims: number[], values: number[]): string => {
    initializers.push(tensor.float32(name, dims, values));
    return name;
  };
  const ints = (name: string, values: number[]): string => {
    initializers.push(tensor.int64(name, [values.length], values));
    return name;
  };
  const weight = (name: SequenceTensorName): string => {
    initializers.push(tensor.float32(name, weights.tensors[name].dims, weights.tensors[name].values));
    return name;
  };
  if (precision === 'int8') initializers.push(tensor.int8('int8_zero', [], [0]));

  /** x·W + b, in float or dynamically quantized. */
  const linear = ([w, b]: Linear, x: string, out: string, quantized = precision === 'int8'): string => {
    if (!quantized) return node('Add', [node('MatMul', [x, weight(w)], `${out}_mm`), weight(b)], out);
    const [rows, cols] = weights.tensors[w].dims;
    const { q, scale } = quantizeColumns(weights.tensors[w].values, rows, cols);
    initializers.push(tensor.int8(`${w}_q`, [rows, cols], q), tensor.float32(`${w}_scale`, [cols], scale));
    nodes.push({ opType: 'DynamicQuantizeLinear', inputs: [x], outputs: [`${out}_xq`, `${out}_xs`, `${out}_xz`] });
    const acc = node('MatMulInteger', [`${out}_xq`, `${w}_q`, `${out}_xz`, 'int8_zero'], `${out}_acc`);
    const accFloat = node('Cast', [acc], `${out}_accf`, { to: attr.int(1) }); // 1 = FLOAT
    const rescale = node('Mul', [`${out}_xs`, `${w}_scale`], `${out}_rescale`);
    return node('Add', [node('Mul', [accFloat, rescale], `${out}_mm`), weight(b)], out);
  };

  // The mask: the validity channel as [N, K, 1] for pooling and as an additive key bias [N, 1, 1, K].
  const valid = node('Slice', ['sequence', ints('mask_start', [maskChannel]), ints('mask_end', [maskChannel + 1]), ints('axis_2', [2])], 'valid');
  const validKeys = node('Unsqueeze', [node('Transpose', [valid], 'valid_t', { perm: attr.ints([0, 2, 1]) }), ints('axis_1', [1])], 'valid_keys');
  const maskBias = node('Mul', [node('Sub', [validKeys, constant('one', [], [1])], 'invalid_neg'), constant('mask_scale', [], [-SEQUENCE_MASK_BIAS])], 'mask_bias');

  // Embedding, then one post-norm transformer encoder layer.
  // The input projection stays float: its input is the raw channels, whose scales differ by orders of
  // magnitude, and one dynamic scale per tensor would round the small channels away.
  const h = node('Add', [linear(LINEARS[0], 'sequence', 'embedded', false), weight('pos')], 'h');
  const heads = ints('heads_shape', [-1, K, H, dh]);
  const split = (l: Linear, name: string, perm: number[]): string =>
    node('Transpose', [node('Reshape', [linear(l, h, name), heads], `${name}_heads`)], `${name}_t`, { perm: attr.ints(perm) });
  const q = split(LINEARS[1], 'q', [0, 2, 1, 3]);
  const kT = split(LINEARS[2], 'k', [0, 2, 3, 1]);
  const v = split(LINEARS[3], 'v', [0, 2, 1, 3]);
  const scores = node('Mul', [node('MatMul', [q, kT], 'qk'), constant('attn_scale', [], [1 / Math.sqrt(dh)])], 'qk_scaled');
  const attention = node('Softmax', [node('Add', [scores, maskBias], 'scores')], 'attention', { axis: attr.int(-1) });
  const context = node('MatMul', [attention, v], 'context');
  const joined = node('Reshape', [node('Transpose', [context], 'context_t', { perm: attr.ints([0, 2, 1, 3]) }), ints('model_shape', [-1, K, d])], 'joined');
  const attended = linear(LINEARS[4], joined, 'attended');
  const norm = (x: string, ln: 'ln1' | 'ln2'): string =>
    node('LayerNormalization', [x, weight(`${ln}_weight`), weight(`${ln}_bias`)], ln, {
      axis: attr.int(-1),
      epsilon: attr.float(SEQUENCE_LAYER_NORM_EPSILON),
    });
  const h1 = norm(node('Add', [h, attended], 'residual_1'), 'ln1');
  const hidden = node('Relu', [linear(LINEARS[5], h1, 'ffn_1')], 'ffn_relu');
  const h2 = norm(node('Add', [h1, linear(LINEARS[6], hidden, 'ffn_2')], 'residual_2'), 'ln2');

  // Masked mean over the valid steps, then the head.
  const steps = ints('axis_steps', [1]);
  const summed = node('ReduceSum', [node('Mul', [h2, valid], 'masked'), steps], 'pooled_sum', { keepdims: attr.int(0) });
  const count = node('ReduceSum', [valid, steps], 'valid_count', { keepdims: attr.int(0) });
  const pooled = node('Div', [summed, count], 'pooled');
  // The head stays float too: its output is the logit itself, where a rounding error is a score error.
  const logit = linear(LINEARS[7], pooled, 'logit', false);
  node('Sigmoid', [logit], 'score');

  return encodeOnnxModel({
    graphName: precision === 'int8' ? 'account_sequence_int8' : 'account_sequence',
    inputs: [{ name: 'sequence', type: 'float32', dims: ['N', K, D] }],
    outputs: [
      { name: 'score', type: 'float32', dims: ['N', 1] },
      { name: 'logit', type: 'float32', dims: ['N', 1] },
    ],
    initializers,
    nodes,
    docString: `account-sequence model: K=${K} steps, D=${D} channels (mask ${maskChannel}), d=${d}, ${H} heads, FFN ${weights.architecture.ffn}, ${precision}`,
  });
}
