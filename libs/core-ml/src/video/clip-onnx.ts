/**
 * Exports the defect clip model, or its single-frame baseline, as a plain ONNX graph (default domain,
 * opset 17, no fused or contrib ops), so that ORT and a hand-written C++/CUDA forward pass run the same
 * file.
 *
 *   input  `clip`    float32 [N, 1, L, H, W]   grey / 255, frames oldest first   (kind `clip`)
 *   input  `frame`   float32 [N, 1, H, W]      grey / 255, the clip's last frame  (kind `frame`)
 *   output `logits`  float32 [N, C]            class logits, class 0 = OK
 *   output `heatmap` float32 [N, h, w]         defect probability per cell, h = H/8·u, w = W/8·u
 *
 * The graph, in order (x·W means MatMul(x, W) with W stored [in, out]; every Add/Mul broadcasts):
 *
 *   convs   Relu(Conv(x, W·s, β − μ·s)), s = γ / √(σ² + 1e-5): BatchNorm folded into the conv
 *   conv1   clip: kernel 3,4,4 strides 1,2,2 pads (0,1,1) (no padding in time)   [N, c1, L−2, H/2, W/2]
 *           f = Concat(ReduceMean(axes [2]), ReduceMax(axes [2]), axis 1)         [N, 2·c1, H/2, W/2]
 *           frame: kernel 4,4 strides 2,2 pads 1 on the last frame, f = conv1     [N, c1, H/2, W/2]
 *   conv2   kernel 3,3 strides 2,2 pads 1 on f · conv3 the same                   [N, d, H/8, W/8]
 *   tokens  Transpose(Reshape(·, [0, d, −1]), [0, 2, 1]) + pos         [N, S, d]
 *   B × (pre-norm encoder layer)
 *           a  = LayerNormalization(t, ln1, axis −1, ε 1e-5)
 *           q, v = Transpose(Reshape(a·W + b, [−1, S, heads, d/heads]), [0,2,1,3])
 *           kᵀ = Transpose(Reshape(a·Wk + bk, [−1, S, heads, d/heads]), [0,2,3,1])
 *           t  = t + Reshape(Transpose(Softmax(MatMul(q, kᵀ)·1/√(d/heads)) ⊗ v, [0,2,1,3]), [−1, S, d])·Wo + bo
 *           t  = t + Relu(LayerNormalization(t, ln2)·ffn_1 + b1)·ffn_2 + b2
 *   t       LayerNormalization(t, final_ln)
 *   logits  Concat(ReduceMean(t, axes [1]), ReduceMax(t, axes [1]), axis 1)·cls_weight + cls_bias
 *   heatmap g = Reshape(Transpose(Reshape(t·heat_weight + heat_bias, [−1, H/8, W/8, u, u, k]),
 *           [0,5,1,3,2,4]), [−1, k, H/8·u, W/8·u]): each token's u×u·k values are the cells under it
 *           (u = 4, k = 8), then Sigmoid(Reshape(Conv(Relu(Conv(Concat(g, f), head1, 3×3 pads 1)),
 *           head2, 1×1), [−1, H/2, W/2]))
 */
import { attr, encodeOnnxModel, OnnxInitializer, OnnxNode, tensor } from '../onnx';
import {
  CLIP_BATCH_NORM_EPSILON,
  CLIP_HEAT_CHANNELS,
  CLIP_LAYER_NORM_EPSILON,
  clipGeometry,
  ClipModelWeights,
  validateClipModel,
} from './clip-model';

/** The graph input's name for a model kind. */
export const clipInputName = (kind: ClipModelWeights['architecture']['kind']): 'clip' | 'frame' => (kind === 'clip' ? 'clip' : 'frame');

/** BatchNorm folded into the preceding bias-free conv: the weight scaled per output channel, and a bias. */
export function foldBatchNorm(weights: ClipModelWeights, conv: 'conv1' | 'conv2' | 'conv3'): { weight: Float32Array; bias: Float32Array } {
  const w = weights.tensors[`${conv}_weight`];
  const gamma = weights.tensors[`${conv}_bn_weight`].values;
  const beta = weights.tensors[`${conv}_bn_bias`].values;
  const mean = weights.tensors[`${conv}_bn_mean`].values;
  const variance = weights.tensors[`${conv}_bn_var`].values;
  const out = w.dims[0];
  const per = w.values.length / out;
  const weight = new Float32Array(w.values.length);
  const bias = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    const scale = gamma[o] / Math.sqrt(variance[o] + CLIP_BATCH_NORM_EPSILON);
    for (let i = o * per; i < (o + 1) * per; i++) weight[i] = w.values[i] * scale;
    bias[o] = beta[o] - mean[o] * scale;
  }
  return { weight, bias };
}

export function clipModelToOnnx(weights: ClipModelWeights): Uint8Array {
  validateClipModel(weights);
  const a = weights.architecture;
  const temporal = a.kind === 'clip';
  const { gridH, gridW, heatH, heatW } = clipGeometry(a);
  const S = gridH * gridW;
  const d = a.dModel;
  const dh = d / a.heads;
  const u = a.upscale;
  const nodes: OnnxNode[] = [];
  const initializers: OnnxInitializer[] = [];
  const node = (opType: string, inputs: string[], output: string, attributes?: OnnxNode['attributes']): string => {
    nodes.push({ opType, inputs, outputs: [output], ...(attributes ? { attributes } : {}) });
    return output;
  };
  const floats = (name: string, dims: number[], values: Float32Array | number[]): string => {
    initializers.push(tensor.float32(name, dims, values));
    return name;
  };
  const ints = (name: string, values: number[]): string => {
    initializers.push(tensor.int64(name, [values.length], values));
    return name;
  };
  const weight = (name: string): string => floats(name, weights.tensors[name].dims, weights.tensors[name].values);
  const linear = (x: string, prefix: string, out: string): string =>
    node('Add', [node('MatMul', [x, weight(`${prefix}_weight`)], `${out}_mm`), weight(`${prefix}_bias`)], out);
  const norm = (x: string, prefix: string, out: string): string =>
    node('LayerNormalization', [x, weight(`${prefix}_weight`), weight(`${prefix}_bias`)], out, { axis: attr.int(-1), epsilon: attr.float(CLIP_LAYER_NORM_EPSILON) });

  // Stem: conv + folded BatchNorm + ReLU; the clip model's conv1 spans frames and is pooled over time.
  const input = clipInputName(a.kind);
  const stemConv = (x: string, conv: 'conv1' | 'conv2' | 'conv3'): string => {
    const folded = foldBatchNorm(weights, conv);
    const dims = weights.tensors[`${conv}_weight`].dims;
    const w = floats(`${conv}_folded_weight`, dims, folded.weight);
    const b = floats(`${conv}_folded_bias`, [folded.bias.length], folded.bias);
    const kernel = dims.slice(2);
    const threeD = kernel.length === 3;
    const conved = node('Conv', [x, w, b], conv, {
      kernel_shape: attr.ints(kernel),
      strides: attr.ints(threeD ? [1, 2, 2] : [2, 2]),
      pads: attr.ints(threeD ? [0, 1, 1, 0, 1, 1] : [1, 1, 1, 1]),
    });
    return node('Relu', [conved], `${conv}_relu`);
  };
  let f = stemConv(input, 'conv1');
  if (temporal) {
    const pool = (op: 'ReduceMean' | 'ReduceMax'): string => node(op, [f], `time_${op === 'ReduceMean' ? 'mean' : 'max'}`, { axes: attr.ints([2]), keepdims: attr.int(0) });
    f = node('Concat', [pool('ReduceMean'), pool('ReduceMax')], 'features', { axis: attr.int(1) });
  }
  const x = stemConv(stemConv(f, 'conv2'), 'conv3');

  // Tokens: one per grid cell, row-major, plus the learned position.
  const flat = node('Reshape', [x, ints('tokens_shape', [0, d, -1])], 'tokens_flat');
  let t = node('Add', [node('Transpose', [flat], 'tokens_t', { perm: attr.ints([0, 2, 1]) }), weight('pos')], 'tokens');

  const headsShape = ints('heads_shape', [-1, S, a.heads, dh]);
  const modelShape = ints('model_shape', [-1, S, d]);
  const attnScale = floats('attn_scale', [], [1 / Math.sqrt(dh)]);
  for (let l = 0; l < a.layers; l++) {
    const p = `layer${l}_`;
    const h = norm(t, `${p}ln1`, `${p}ln1`);
    const split = (m: 'q' | 'k' | 'v', perm: number[]): string =>
      node('Transpose', [node('Reshape', [linear(h, `${p}attn_${m}`, `${p}${m}`), headsShape], `${p}${m}_heads`)], `${p}${m}_t`, { perm: attr.ints(perm) });
    const q = split('q', [0, 2, 1, 3]);
    const kT = split('k', [0, 2, 3, 1]);
    const v = split('v', [0, 2, 1, 3]);
    const scores = node('Mul', [node('MatMul', [q, kT], `${p}qk`), attnScale], `${p}scores`);
    const attention = node('Softmax', [scores], `${p}attention`, { axis: attr.int(-1) });
    const context = node('Transpose', [node('MatMul', [attention, v], `${p}context`)], `${p}context_t`, { perm: attr.ints([0, 2, 1, 3]) });
    const joined = node('Reshape', [context, modelShape], `${p}joined`);
    t = node('Add', [t, linear(joined, `${p}attn_out`, `${p}attended`)], `${p}residual_1`);
    const hidden = node('Relu', [linear(norm(t, `${p}ln2`, `${p}ln2`), `${p}ffn_1`, `${p}ffn_1`)], `${p}ffn_relu`);
    t = node('Add', [t, linear(hidden, `${p}ffn_2`, `${p}ffn_2`)], `${p}residual_2`);
  }
  t = norm(t, 'final_ln', 'encoded');

  // Heads: class logits from the mean and the max token, the heatmap decoded from every token's u×u
  // cells next to conv1's features.
  const tokenPool = (op: 'ReduceMean' | 'ReduceMax', out: string): string => node(op, [t], out, { axes: attr.ints([1]), keepdims: attr.int(0) });
  const pooled = node('Concat', [tokenPool('ReduceMean', 'token_mean'), tokenPool('ReduceMax', 'token_max')], 'pooled', { axis: attr.int(1) });
  linear(pooled, 'cls', 'logits');
  const k = CLIP_HEAT_CHANNELS;
  const cells = node('Reshape', [linear(t, 'heat', 'heat_tokens'), ints('heat_cells_shape', [-1, gridH, gridW, u, u, k])], 'heat_cells');
  const placed = node('Transpose', [cells], 'heat_placed', { perm: attr.ints([0, 5, 1, 3, 2, 4]) });
  const grid = node('Reshape', [placed, ints('heat_grid_shape', [-1, k, heatH, heatW])], 'heat_grid');
  const joined = node('Concat', [grid, f], 'heat_input', { axis: attr.int(1) });
  const hidden = node('Relu', [node('Conv', [joined, weight('head1_weight'), weight('head1_bias')], 'head1', { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) })], 'head1_relu');
  const logit = node('Conv', [hidden, weight('head2_weight'), weight('head2_bias')], 'head2', { kernel_shape: attr.ints([1, 1]) });
  node('Sigmoid', [node('Reshape', [logit, ints('heat_shape', [-1, heatH, heatW])], 'heat_logits')], 'heatmap');

  return encodeOnnxModel({
    graphName: temporal ? 'defect_clip' : 'defect_frame',
    inputs: [{ name: input, type: 'float32', dims: temporal ? ['N', 1, a.frames, a.height, a.width] : ['N', 1, a.height, a.width] }],
    outputs: [
      { name: 'logits', type: 'float32', dims: ['N', a.classes] },
      { name: 'heatmap', type: 'float32', dims: ['N', heatH, heatW] },
    ],
    initializers,
    nodes,
    docString:
      `defect ${temporal ? `clip model (3-frame Conv3d over ${a.frames} frames pooled by mean and max, then 2D-CNN` : 'frame model (2D-CNN on the last frame'} of ${a.height}x${a.width}, ` +
      `${a.layers} pre-norm encoder layers d=${d} heads=${a.heads} FFN ${a.ffn}, ${a.classes} classes, heatmap ${heatH}x${heatW})`,
  });
}
