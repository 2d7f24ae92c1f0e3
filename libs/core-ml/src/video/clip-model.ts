/**
 * The defect clip model's weights as clip-train writes them (libs/core-ml/native/clip-train): a 3-layer
 * convolutional stem, each conv followed by BatchNorm (the clip model's conv1 is 3-D over 3 frames,
 * pooled by mean and max over time; the rest is 2-D), then a pre-norm Transformer encoder over one
 * token per cell of the H/8 × W/8 grid, a class head over the mean and max token, and a heatmap
 * decoder over the tokens and conv1's features. Conv weights are [out, in, (kt,) kh, kw] (ONNX's Conv
 * layout); every matrix is [in, out], the right operand of MatMul.
 */

/** `clip`: the 3D-CNN + Transformer over L frames; `frame`: the same network on the last frame alone. */
export type ClipModelKind = 'clip' | 'frame';

export interface ClipArchitecture {
  kind: ClipModelKind;
  /** L: frames per clip (the frame model reads only the last one, but is trained on the same clips). */
  frames: number;
  /** H, W of the model input; multiples of 8. */
  height: number;
  width: number;
  /** C: class 0 is OK, the others defect classes. */
  classes: number;
  /** Channels of conv1 and conv2; conv3 has dModel. */
  c1: number;
  c2: number;
  dModel: number;
  heads: number;
  ffn: number;
  layers: number;
  /** Heatmap cells per token along each axis: the heatmap is (H/8·u) × (W/8·u); 4, conv1's grid. */
  upscale: number;
}

export interface ClipTensor {
  dims: number[];
  values: Float32Array;
}

export interface ClipModelWeights {
  architecture: ClipArchitecture;
  /** By name; see clipTensorDims for the names and their dims. */
  tensors: Record<string, ClipTensor>;
}

/** The trainer's constants. */
export const CLIP_BATCH_NORM_EPSILON = 1e-5;
export const CLIP_LAYER_NORM_EPSILON = 1e-5;
/** Heatmap decoder widths: channels each token gives every cell under it, and head1's outputs. */
export const CLIP_HEAT_CHANNELS = 8;
export const CLIP_HEAD_CHANNELS = 16;
/** Frames conv1 of the clip model spans (stride 1, no padding in time). */
export const CLIP_TIME_KERNEL = 3;
/** clip-train's weights format (2: temporal conv1 with mean/max pooling, heatmap decoder). */
export const CLIP_WEIGHTS_FORMAT = 'clip-train/2';

/** Channels of conv1's pooled features f: mean and max over time for the clip model. */
export const clipFeatureChannels = (a: ClipArchitecture): number => (a.kind === 'clip' ? 2 * a.c1 : a.c1);

/** Token grid (H/8 × W/8) and heatmap size (grid × upscale). */
export function clipGeometry(a: ClipArchitecture): { gridH: number; gridW: number; heatH: number; heatW: number } {
  const gridH = a.height / 8;
  const gridW = a.width / 8;
  return { gridH, gridW, heatH: gridH * a.upscale, heatW: gridW * a.upscale };
}

/** Every tensor the architecture has, in the order clip-train writes them, with its dims. */
export function clipTensorDims(a: ClipArchitecture): [string, number[]][] {
  const d = a.dModel;
  const f = clipFeatureChannels(a);
  const { gridH, gridW } = clipGeometry(a);
  const time = a.kind === 'clip' ? [CLIP_TIME_KERNEL] : [];
  const convs: [string, number, number, number[]][] = [['conv1', 1, a.c1, [...time, 4, 4]], ['conv2', f, a.c2, [3, 3]], ['conv3', a.c2, d, [3, 3]]];
  const params: [string, number[]][] = [];
  const buffers: [string, number[]][] = [];
  for (const [name, cin, cout, kernel] of convs) {
    params.push([`${name}_weight`, [cout, cin, ...kernel]], [`${name}_bn_weight`, [cout]], [`${name}_bn_bias`, [cout]]);
    buffers.push([`${name}_bn_mean`, [cout]], [`${name}_bn_var`, [cout]]);
  }
  params.push(['pos', [gridH * gridW, d]]);
  for (let l = 0; l < a.layers; l++) {
    const p = `layer${l}_`;
    params.push([`${p}ln1_weight`, [d]], [`${p}ln1_bias`, [d]]);
    for (const m of ['q', 'k', 'v', 'out']) params.push([`${p}attn_${m}_weight`, [d, d]], [`${p}attn_${m}_bias`, [d]]);
    params.push([`${p}ln2_weight`, [d]], [`${p}ln2_bias`, [d]]);
    params.push([`${p}ffn_1_weight`, [d, a.ffn]], [`${p}ffn_1_bias`, [a.ffn]], [`${p}ffn_2_weight`, [a.ffn, d]], [`${p}ffn_2_bias`, [d]]);
  }
  params.push(['final_ln_weight', [d]], ['final_ln_bias', [d]]);
  params.push(['cls_weight', [2 * d, a.classes]], ['cls_bias', [a.classes]]);
  const cellValues = a.upscale * a.upscale * CLIP_HEAT_CHANNELS;
  params.push(['heat_weight', [d, cellValues]], ['heat_bias', [cellValues]]);
  params.push(['head1_weight', [CLIP_HEAD_CHANNELS, CLIP_HEAT_CHANNELS + f, 3, 3]], ['head1_bias', [CLIP_HEAD_CHANNELS]]);
  params.push(['head2_weight', [1, CLIP_HEAD_CHANNELS, 1, 1]], ['head2_bias', [1]]);
  return [...params, ...buffers];
}

/** Trainable parameters (BatchNorm running statistics excluded). */
export function clipParameterCount(weights: ClipModelWeights): number {
  return Object.entries(weights.tensors)
    .filter(([name]) => !name.endsWith('_bn_mean') && !name.endsWith('_bn_var'))
    .reduce((n, [, t]) => n + t.values.length, 0);
}

const positiveInteger = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

/** Throws a RangeError naming the first field or tensor that does not fit; exporters call it first. */
export function validateClipModel(weights: ClipModelWeights): void {
  const a = weights.architecture;
  if (a.kind !== 'clip' && a.kind !== 'frame') throw new RangeError(`weights.architecture.kind must be clip or frame, got ${String(a.kind)}`);
  for (const field of ['frames', 'height', 'width', 'classes', 'c1', 'c2', 'dModel', 'heads', 'ffn', 'layers', 'upscale'] as const) {
    if (!positiveInteger(a[field])) throw new RangeError(`weights.architecture.${field} must be a positive integer, got ${a[field]}`);
  }
  if (a.height % 8 !== 0 || a.width % 8 !== 0) throw new RangeError(`weights.architecture height ${a.height} and width ${a.width} must be multiples of 8`);
  if (a.dModel % a.heads !== 0) throw new RangeError(`weights.architecture.dModel ${a.dModel} must be a multiple of heads ${a.heads}`);
  if (a.classes < 2) throw new RangeError(`weights.architecture.classes must be at least 2, got ${a.classes}`);
  if (a.upscale !== 4) throw new RangeError(`weights.architecture.upscale must be 4 (the heatmap decoder reads conv1's H/2 × W/2 grid), got ${a.upscale}`);
  if (a.kind === 'clip' && a.frames < CLIP_TIME_KERNEL) throw new RangeError(`weights.architecture.frames must be at least ${CLIP_TIME_KERNEL} for the clip model, got ${a.frames}`);
  for (const [name, dims] of clipTensorDims(a)) {
    const tensor = weights.tensors[name];
    if (tensor === undefined) throw new RangeError(`weights.tensors.${name} is missing`);
    if (tensor.dims.length !== dims.length || tensor.dims.some((n, i) => n !== dims[i])) {
      throw new RangeError(`weights.tensors.${name} has dims [${tensor.dims.join(', ')}], expected [${dims.join(', ')}]`);
    }
    const size = dims.reduce((n, m) => n * m, 1);
    if (!(tensor.values instanceof Float32Array) || tensor.values.length !== size) throw new RangeError(`weights.tensors.${name} must be a Float32Array of ${size} values`);
    if (!tensor.values.every(Number.isFinite)) throw new RangeError(`weights.tensors.${name} holds a non-finite value`);
  }
}

interface Manifest {
  format: string;
  model: ClipArchitecture;
  tensors: { name: string; shape: number[]; offset: number }[];
}

/** Weights from clip-train's manifest.json and weights.bin, checked against the architecture. */
export function parseClipModel(manifestJson: string, weightsBin: Uint8Array): ClipModelWeights {
  const manifest = JSON.parse(manifestJson) as Manifest;
  if (manifest.format !== CLIP_WEIGHTS_FORMAT) throw new RangeError(`manifest format must be ${CLIP_WEIGHTS_FORMAT}, got ${manifest.format}`);
  if (weightsBin.byteLength % 4 !== 0) throw new RangeError(`weights.bin holds ${weightsBin.byteLength} bytes, not a whole number of float32`);
  // Copied into an aligned buffer: a Node Buffer's byteOffset need not be a multiple of 4.
  const all = new Float32Array(weightsBin.byteLength / 4);
  new Uint8Array(all.buffer).set(weightsBin);
  const { kind, frames, height, width, classes, c1, c2, dModel, heads, ffn, layers, upscale } = manifest.model;
  const architecture: ClipArchitecture = { kind, frames, height, width, classes, c1, c2, dModel, heads, ffn, layers, upscale };
  const tensors: Record<string, ClipTensor> = {};
  for (const entry of manifest.tensors) {
    const size = entry.shape.reduce((n, m) => n * m, 1);
    if (entry.offset + size > all.length) throw new RangeError(`manifest tensor ${entry.name} runs past the end of weights.bin`);
    tensors[entry.name] = { dims: entry.shape, values: all.slice(entry.offset, entry.offset + size) };
  }
  const known = new Set(clipTensorDims(architecture).map(([name]) => name));
  const unknown = Object.keys(tensors).find((name) => !known.has(name));
  if (unknown !== undefined) throw new RangeError(`manifest names an unknown tensor ${unknown}`);
  const weights = { architecture, tensors };
  validateClipModel(weights);
  return weights;
}

/** The weights as clip-train's two files, so a version directory can ship them and be parsed again. */
export function serializeClipModel(weights: ClipModelWeights): { manifestJson: string; weightsBin: Uint8Array } {
  validateClipModel(weights);
  const entries = clipTensorDims(weights.architecture);
  const total = entries.reduce((n, [name]) => n + weights.tensors[name].values.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  const tensors = entries.map(([name, shape]) => {
    all.set(weights.tensors[name].values, offset);
    const entry = { name, shape, offset };
    offset += weights.tensors[name].values.length;
    return entry;
  });
  const manifestJson = `${JSON.stringify({ format: CLIP_WEIGHTS_FORMAT, model: weights.architecture, tensors }, null, 2)}\n`;
  return { manifestJson, weightsBin: new Uint8Array(all.buffer) };
}
