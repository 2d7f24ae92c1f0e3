/**
 * Reads the defect inspector's clip model from the ONNX file core-ml exports
 * (libs/core-ml/src/video/clip-onnx.ts, kind `clip`), so the native forward pass runs the very file
 * ONNX Runtime serves. The file is checked against that graph: the op-type sequence node for node,
 * the attributes the forward pass hard-codes (conv kernels, strides and pads, reduction axes, the
 * heatmap's cell transpose, Softmax axis, one LayerNorm epsilon), the shape constants, and every
 * weight by name with the dims the architecture implies. The architecture comes from the weights and
 * the shape constants; every failure is a RangeError starting `onnx:` that names what differs.
 */
import { onnx } from 'onnx-proto';

/** The clip model's sizes, as read from the file. */
export interface ClipArchitecture {
  frames: number;
  height: number;
  width: number;
  classes: number;
  /** conv1 channels (f has 2·c1: mean and max over time). */
  c1: number;
  c2: number;
  dModel: number;
  heads: number;
  ffn: number;
  layers: number;
  /** Heatmap cells per token along each axis (4). */
  upscale: number;
  /** Decoder channels each token gives a cell (head1 reads them next to f). */
  heatChannels: number;
  /** head1's output channels. */
  headChannels: number;
}

export interface ClipModelGraph {
  architecture: ClipArchitecture;
  /** Every tensor concatenated in the addon's layout order (src/ops/clip_model/clip_model.h). */
  weights: Float32Array;
  attentionScale: number;
  epsilon: number;
}

/** Bounds of the native forward pass (clip_model.h's CheckDims). */
export const CLIP_LIMITS = { tokens: 256, dModel: 256 } as const;

const LAYER_TENSORS = [
  'ln1_weight', 'ln1_bias', 'attn_q_weight', 'attn_q_bias', 'attn_k_weight', 'attn_k_bias', 'attn_v_weight', 'attn_v_bias',
  'attn_out_weight', 'attn_out_bias', 'ln2_weight', 'ln2_bias', 'ffn_1_weight', 'ffn_1_bias', 'ffn_2_weight', 'ffn_2_bias',
] as const;

const STEM_OPS = ['Conv', 'Relu', 'ReduceMean', 'ReduceMax', 'Concat', 'Conv', 'Relu', 'Conv', 'Relu', 'Reshape', 'Transpose', 'Add'];
const PROJECTION_OPS = ['MatMul', 'Add', 'Reshape', 'Transpose'];
const LAYER_OPS = [
  'LayerNormalization', ...PROJECTION_OPS, ...PROJECTION_OPS, ...PROJECTION_OPS,
  'MatMul', 'Mul', 'Softmax', 'MatMul', 'Transpose', 'Reshape', 'MatMul', 'Add', 'Add',
  'LayerNormalization', 'MatMul', 'Add', 'Relu', 'MatMul', 'Add', 'Add',
];
const HEAD_OPS = [
  'LayerNormalization', 'ReduceMean', 'ReduceMax', 'Concat', 'MatMul', 'Add', 'MatMul', 'Add', 'Reshape', 'Transpose', 'Reshape',
  'Concat', 'Conv', 'Relu', 'Conv', 'Reshape', 'Sigmoid',
];

type Int = number | { toNumber(): number };
const toNumber = (value: Int): number => (typeof value === 'number' ? value : value.toNumber());
const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((n, i) => n === b[i]);

/** Parses and checks `bytes`; every failure is a RangeError starting with `onnx:`. */
export function readClipModelOnnx(bytes: Uint8Array): ClipModelGraph {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new RangeError(`onnx: not an ONNX model (${(error as Error).message})`);
  }
  const graph = model.graph;
  if (!graph) throw new RangeError('onnx: the model has no graph');
  const nodes = graph.node ?? [];
  const input = (graph.input ?? []).find((value) => value.name === 'clip');
  const inputDims = (input?.type?.tensorType?.shape?.dim ?? []).map((dim) => (dim.dimValue === undefined || dim.dimValue === null ? NaN : toNumber(dim.dimValue)));
  if (!input || inputDims.length !== 5 || inputDims[1] !== 1) {
    throw new RangeError('onnx: expected a graph input `clip` [N, 1, frames, height, width] (the frame baseline is not supported)');
  }
  for (const name of ['logits', 'heatmap']) {
    if (!(graph.output ?? []).some((value) => value.name === name)) throw new RangeError(`onnx: expected a graph output \`${name}\``);
  }

  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name, t]));
  const floats = (name: string): { dims: number[]; values: Float32Array } => {
    const t = initializers.get(name);
    if (!t) throw new RangeError(`onnx: initializer ${name} is missing`);
    if (t.dataType !== onnx.TensorProto.DataType.FLOAT) throw new RangeError(`onnx: initializer ${name} must be float32, got data type ${t.dataType}`);
    const dims = (t.dims ?? []).map(toNumber);
    const size = dims.reduce((n, m) => n * m, 1);
    let values: Float32Array;
    if (t.rawData && t.rawData.length > 0) {
      if (t.rawData.length !== size * 4) throw new RangeError(`onnx: initializer ${name} holds ${t.rawData.length} bytes for ${size} values`);
      const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
      values = new Float32Array(size);
      for (let i = 0; i < size; i++) values[i] = view.getFloat32(i * 4, true);
    } else {
      values = Float32Array.from(t.floatData ?? []);
    }
    if (values.length !== size) throw new RangeError(`onnx: initializer ${name} holds ${values.length} values for dims [${dims.join(', ')}]`);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`onnx: initializer ${name}[${bad}] is ${values[bad]}`);
    return { dims, values };
  };
  const int64s = (name: string): number[] => {
    const t = initializers.get(name);
    if (!t || t.dataType !== onnx.TensorProto.DataType.INT64) throw new RangeError(`onnx: int64 initializer ${name} is missing`);
    if (t.rawData && t.rawData.length > 0) {
      const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
      return Array.from({ length: t.rawData.length / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    }
    return (t.int64Data ?? []).map(toNumber);
  };

  // The architecture, from the input, the weights and the shape constants.
  const [, , frames, height, width] = inputDims;
  let layers = 0;
  while (initializers.has(`layer${layers}_ln1_weight`)) layers++;
  const headsShape = int64s('heads_shape');
  const cellsShape = int64s('heat_cells_shape');
  const a: ClipArchitecture = {
    frames, height, width,
    classes: floats('cls_bias').dims[0],
    c1: floats('conv1_folded_bias').dims[0],
    c2: floats('conv2_folded_bias').dims[0],
    dModel: floats('conv3_folded_bias').dims[0],
    heads: headsShape[2],
    ffn: layers > 0 ? floats('layer0_ffn_1_bias').dims[0] : 1,
    layers,
    upscale: cellsShape[3],
    heatChannels: cellsShape[5],
    headChannels: floats('head1_bias').dims[0],
  };
  checkArchitecture(a);
  const gh = height / 8, gw = width / 8, S = gh * gw, d = a.dModel, u = a.upscale, k = a.heatChannels;

  const types = nodes.map((node) => node.opType ?? '');
  const expectedTypes = [...STEM_OPS, ...Array.from({ length: layers }, () => LAYER_OPS).flat(), ...HEAD_OPS];
  const differs = expectedTypes.findIndex((op, i) => types[i] !== op);
  if (differs >= 0 || types.length !== expectedTypes.length) {
    const at = differs >= 0 ? differs : Math.min(types.length, expectedTypes.length);
    throw new RangeError(`onnx: node ${at} (${nodes[at]?.name ?? 'none'}) is ${types[at] ?? 'missing'}, the clip graph has ${expectedTypes[at] ?? 'no more nodes'} there`);
  }
  const foreign = nodes.find((node) => (node.domain ?? '') !== '');
  if (foreign) throw new RangeError(`onnx: node ${foreign.name} is in domain ${foreign.domain}, expected the default domain`);
  checkAttributes(nodes);

  const shapes: [string, number[]][] = [
    ['tokens_shape', [0, d, -1]], ['heads_shape', [-1, S, a.heads, d / a.heads]], ['model_shape', [-1, S, d]],
    ['heat_cells_shape', [-1, gh, gw, u, u, k]], ['heat_grid_shape', [-1, k, gh * u, gw * u]], ['heat_shape', [-1, gh * u, gw * u]],
  ];
  for (const [name, expected] of shapes) {
    const got = int64s(name);
    if (!same(got, expected)) throw new RangeError(`onnx: ${name} is [${got.join(', ')}], expected [${expected.join(', ')}]`);
  }

  const f = 2 * a.c1;
  const expected: [string, number[]][] = [
    ['conv1_folded_weight', [a.c1, 1, 3, 4, 4]], ['conv1_folded_bias', [a.c1]],
    ['conv2_folded_weight', [a.c2, f, 3, 3]], ['conv2_folded_bias', [a.c2]],
    ['conv3_folded_weight', [d, a.c2, 3, 3]], ['conv3_folded_bias', [d]],
    ['pos', [S, d]],
  ];
  for (let l = 0; l < layers; l++) {
    for (const name of LAYER_TENSORS) {
      const dims = name === 'ffn_1_weight' ? [d, a.ffn] : name === 'ffn_1_bias' ? [a.ffn] : name === 'ffn_2_weight' ? [a.ffn, d] : name.endsWith('_weight') && name.startsWith('attn') ? [d, d] : [d];
      expected.push([`layer${l}_${name}`, dims]);
    }
  }
  expected.push(
    ['final_ln_weight', [d]], ['final_ln_bias', [d]], ['cls_weight', [2 * d, a.classes]], ['cls_bias', [a.classes]],
    ['heat_weight', [d, u * u * k]], ['heat_bias', [u * u * k]],
    ['head1_weight', [a.headChannels, k + f, 3, 3]], ['head1_bias', [a.headChannels]], ['head2_weight', [1, a.headChannels, 1, 1]], ['head2_bias', [1]],
  );
  const parts = expected.map(([name, dims]) => {
    const t = floats(name);
    if (!same(t.dims, dims)) throw new RangeError(`onnx: initializer ${name} has dims [${t.dims.join(', ')}], expected [${dims.join(', ')}]`);
    return t.values;
  });
  const weights = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    weights.set(part, at);
    at += part.length;
  }

  const scale = floats('attn_scale').values;
  if (scale.length !== 1 || Math.abs(scale[0] * Math.sqrt(d / a.heads) - 1) > 1e-6) {
    throw new RangeError(`onnx: attn_scale ${scale[0]} is not 1/√(dModel/heads)`);
  }
  return { architecture: a, weights, attentionScale: scale[0], epsilon: layerNormEpsilon(nodes) };
}

function checkArchitecture(a: ClipArchitecture): void {
  const positive = Object.entries(a).find(([key, value]) => !(Number.isInteger(value) && (value >= 1 || (key === 'layers' && value === 0))));
  if (positive) throw new RangeError(`onnx: architecture ${positive[0]} is ${positive[1]}, expected a positive integer`);
  if (a.frames < 3) throw new RangeError(`onnx: input \`clip\` has ${a.frames} frames; conv1 spans 3`);
  if (a.height % 8 !== 0 || a.width % 8 !== 0) throw new RangeError(`onnx: input \`clip\` is ${a.height}×${a.width}; both must be multiples of 8`);
  if ((a.height / 8) * (a.width / 8) > CLIP_LIMITS.tokens || a.dModel > CLIP_LIMITS.dModel) {
    throw new RangeError(`onnx: architecture ${JSON.stringify(a)} is outside the native bounds (H/8·W/8 ≤ ${CLIP_LIMITS.tokens} tokens, dModel ≤ ${CLIP_LIMITS.dModel})`);
  }
  if (a.dModel % a.heads !== 0) throw new RangeError(`onnx: heads ${a.heads} does not divide dModel ${a.dModel}`);
  if (a.upscale !== 4) throw new RangeError(`onnx: heat_cells_shape gives upscale ${a.upscale}, expected 4 (conv1's H/2 × W/2 grid)`);
}

/** The attributes the forward pass hard-codes, per node in graph order. */
function checkAttributes(nodes: onnx.INodeProto[]): void {
  const ints = (node: onnx.INodeProto, name: string): number[] | undefined => {
    const found = node.attribute?.find((a) => a.name === name);
    return found ? (found.ints ?? []).map(toNumber) : undefined;
  };
  const int = (node: onnx.INodeProto, name: string): number | undefined => {
    const found = node.attribute?.find((a) => a.name === name);
    return found?.i === undefined || found.i === null ? undefined : toNumber(found.i);
  };
  const expect = (node: onnx.INodeProto, what: string, got: unknown, want: unknown): void => {
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      throw new RangeError(`onnx: node ${node.name} (${node.opType}) has ${what} ${JSON.stringify(got)}, the clip graph has ${JSON.stringify(want)}`);
    }
  };
  const convs = nodes.filter((n) => n.opType === 'Conv');
  const convSpecs: [number[], number[], number[]][] = [
    [[3, 4, 4], [1, 2, 2], [0, 1, 1, 0, 1, 1]], [[3, 3], [2, 2], [1, 1, 1, 1]], [[3, 3], [2, 2], [1, 1, 1, 1]], [[3, 3], [1, 1], [1, 1, 1, 1]], [[1, 1], [1, 1], [0, 0, 0, 0]],
  ];
  convs.forEach((node, i) => {
    const [kernel, strides, pads] = convSpecs[i];
    expect(node, 'kernel_shape', ints(node, 'kernel_shape') ?? kernel, kernel);
    expect(node, 'strides', ints(node, 'strides') ?? kernel.map(() => 1), strides);
    expect(node, 'pads', ints(node, 'pads') ?? pads.map(() => 0), pads);
    expect(node, 'dilations', ints(node, 'dilations') ?? kernel.map(() => 1), kernel.map(() => 1));
    expect(node, 'group', int(node, 'group') ?? 1, 1);
  });
  const reductions = nodes.filter((n) => n.opType === 'ReduceMean' || n.opType === 'ReduceMax');
  reductions.forEach((node, i) => {
    expect(node, 'axes', ints(node, 'axes'), [i < 2 ? 2 : 1]);
    expect(node, 'keepdims', int(node, 'keepdims'), 0);
  });
  const concats = nodes.filter((n) => n.opType === 'Concat');
  concats.forEach((node) => expect(node, 'axis', int(node, 'axis'), 1));
  for (const node of nodes.filter((n) => n.opType === 'Softmax')) expect(node, 'axis', int(node, 'axis') ?? -1, -1);
  // Tokens; per layer q, kᵀ, v and the context; the heatmap's cell placement.
  const transposes = nodes.filter((n) => n.opType === 'Transpose');
  const layers = (transposes.length - 2) / 4;
  const perms = [[0, 2, 1], ...Array.from({ length: layers }, () => [[0, 2, 1, 3], [0, 2, 3, 1], [0, 2, 1, 3], [0, 2, 1, 3]]).flat(), [0, 5, 1, 3, 2, 4]];
  transposes.forEach((node, i) => expect(node, 'perm', ints(node, 'perm'), perms[i]));
}

function layerNormEpsilon(nodes: onnx.INodeProto[]): number {
  const norms = nodes.filter((node) => node.opType === 'LayerNormalization');
  const epsilons = norms.map((node) => node.attribute?.find((a) => a.name === 'epsilon')?.f ?? 1e-5); // 1e-5: the ONNX default
  const axes = norms.map((node) => {
    const axis = node.attribute?.find((a) => a.name === 'axis')?.i;
    return axis === undefined || axis === null ? -1 : toNumber(axis);
  });
  if (epsilons.some((e) => e !== epsilons[0]) || axes.some((axis) => axis !== -1)) {
    throw new RangeError(`onnx: expected LayerNormalization nodes over the last axis with one epsilon, got epsilons [${epsilons.join(', ')}], axes [${axes.join(', ')}]`);
  }
  return epsilons[0];
}
