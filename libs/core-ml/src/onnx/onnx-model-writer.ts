/**
 * Writes ONNX models from TypeScript over onnx-proto's protobuf classes: the product has no Python
 * (no `onnx.helper`), and the trainers (tree ensembles, sequence models) export their own graphs.
 *
 * The traps, each handled once here:
 * - protobuf infers nothing from a JS value, so every attribute carries its type explicitly; a float
 *   attribute whose value happens to be whole (`alpha: 1`) must still be FLOAT, or ORT rejects it.
 *   Callers say which with `attr.float` / `attr.int`, never a bare number.
 * - Nodes list tensor names in `input` / `output`; the model needs an `irVersion` and an opset for every
 *   domain its nodes use (`''` is the default domain, `ai.onnx.ml` the classical-ML one).
 * - Initializers go out as little-endian `rawData`, written through a DataView so the host's byte
 *   order never leaks into the file.
 */
import { onnx } from 'onnx-proto';

/** IR 8 is what onnx 1.12 writes; ORT 1.30 reads it. */
export const ONNX_IR_VERSION = 8;
export const ONNX_DEFAULT_OPSET = 17;
/** ai.onnx.ml 3 is the newest version of TreeEnsembleRegressor/Classifier (float thresholds as attributes). */
export const ONNX_ML_OPSET = 3;
export const ONNX_ML_DOMAIN = 'ai.onnx.ml';

export type OnnxElementType = 'float32' | 'int8' | 'int64';

const DATA_TYPES: Record<OnnxElementType, onnx.TensorProto.DataType> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int8: onnx.TensorProto.DataType.INT8,
  int64: onnx.TensorProto.DataType.INT64,
};

/** A dimension: a number is fixed, a string is symbolic (`'batch'`). */
export type OnnxDim = number | string;

/** A graph input or output. */
export interface OnnxValueInfo {
  name: string;
  type: OnnxElementType;
  dims: readonly OnnxDim[];
}

export type OnnxAttribute =
  | { kind: 'float'; value: number }
  | { kind: 'floats'; value: ArrayLike<number> }
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: ArrayLike<number> }
  | { kind: 'string'; value: string }
  | { kind: 'strings'; value: readonly string[] };

/** Typed attribute values; `attr.float(1)` stays FLOAT although 1 is whole. */
export const attr = {
  float: (value: number): OnnxAttribute => ({ kind: 'float', value }),
  floats: (value: ArrayLike<number>): OnnxAttribute => ({ kind: 'floats', value }),
  int: (value: number): OnnxAttribute => ({ kind: 'int', value }),
  ints: (value: ArrayLike<number>): OnnxAttribute => ({ kind: 'ints', value }),
  string: (value: string): OnnxAttribute => ({ kind: 'string', value }),
  strings: (value: readonly string[]): OnnxAttribute => ({ kind: 'strings', value }),
};

export interface OnnxNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  /** `''` (default) or e.g. `ai.onnx.ml`; the model must import an opset for it. */
  domain?: string;
  /** Defaults to `<opType>_<first output>`. */
  name?: string;
  attributes?: Readonly<Record<string, OnnxAttribute>>;
}

export type OnnxTensorData =
  | { type: 'float32'; values: Float32Array | readonly number[] }
  | { type: 'int8'; values: Int8Array | readonly number[] }
  | { type: 'int64'; values: BigInt64Array | readonly (number | bigint)[] };

export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  data: OnnxTensorData;
}

/** Initializer constructors; `values` row-major, their count must match `dims`. */
export const tensor = {
  float32: (name: string, dims: readonly number[], values: Float32Array | readonly number[]): OnnxInitializer => ({
    name,
    dims,
    data: { type: 'float32', values },
  }),
  int8: (name: string, dims: readonly number[], values: Int8Array | readonly number[]): OnnxInitializer => ({
    name,
    dims,
    data: { type: 'int8', values },
  }),
  int64: (name: string, dims: readonly number[], values: BigInt64Array | readonly (number | bigint)[]): OnnxInitializer => ({
    name,
    dims,
    data: { type: 'int64', values },
  }),
};

export interface OnnxModelSpec {
  graphName: string;
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  nodes: readonly OnnxNode[];
  initializers?: readonly OnnxInitializer[];
  /** Opset per domain; defaults to `{ '': ONNX_DEFAULT_OPSET }`. Add `[ONNX_ML_DOMAIN]: ONNX_ML_OPSET` for ai.onnx.ml nodes. */
  opsets?: Readonly<Record<string, number>>;
  producerName?: string;
  docString?: string;
}

/** Serializes a model; the bytes go to `InferenceSession.create(bytes)` or a `.onnx` file. */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const opsets = spec.opsets ?? { '': ONNX_DEFAULT_OPSET };
  for (const n of spec.nodes) {
    const domain = n.domain ?? '';
    if (opsets[domain] === undefined) {
      throw new Error(`encodeOnnxModel: node ${n.name ?? n.opType} uses domain '${domain}' with no opset in spec.opsets`);
    }
  }
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: Object.entries(opsets).map(([domain, version]) => ({ domain, version })),
    producerName: spec.producerName ?? '@vigil/core-ml',
    docString: spec.docString,
    graph: {
      name: spec.graphName,
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
      initializer: (spec.initializers ?? []).map(initializerProto),
      node: spec.nodes.map(nodeProto),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function valueInfo({ name, type, dims }: OnnxValueInfo): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPES[type],
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

function nodeProto(n: OnnxNode): onnx.INodeProto {
  return {
    opType: n.opType,
    domain: n.domain ?? '',
    name: n.name ?? `${n.opType}_${n.outputs[0]}`,
    input: [...n.inputs],
    output: [...n.outputs],
    attribute: Object.entries(n.attributes ?? {}).map(([name, a]) => attributeProto(name, a)),
  };
}

function attributeProto(name: string, a: OnnxAttribute): onnx.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');
  switch (a.kind) {
    case 'float':
      return { name, type: AttributeType.FLOAT, f: a.value };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: Array.from(a.value) };
    case 'int':
      return { name, type: AttributeType.INT, i: checkedInt(name, a.value) };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: Array.from(a.value, (v) => checkedInt(name, v)) };
    case 'string':
      return { name, type: AttributeType.STRING, s: utf8(a.value) };
    case 'strings':
      return { name, type: AttributeType.STRINGS, strings: a.value.map(utf8) };
  }
}

function checkedInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value)) throw new Error(`attribute '${name}': ${value} is not an integer`);
  return value;
}

function initializerProto({ name, dims, data }: OnnxInitializer): onnx.ITensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.values.length !== count) {
    throw new Error(`initializer '${name}': ${data.values.length} values for dims [${dims.join(', ')}] (${count})`);
  }
  return { name, dims: [...dims], dataType: DATA_TYPES[data.type], rawData: rawBytes(data) };
}

function rawBytes(data: OnnxTensorData): Uint8Array {
  switch (data.type) {
    case 'float32': {
      const view = new DataView(new ArrayBuffer(data.values.length * 4));
      for (let i = 0; i < data.values.length; i++) view.setFloat32(i * 4, data.values[i], true);
      return new Uint8Array(view.buffer);
    }
    case 'int8':
      return Uint8Array.from(data.values, (v) => v & 0xff);
    case 'int64': {
      const view = new DataView(new ArrayBuffer(data.values.length * 8));
      for (let i = 0; i < data.values.length; i++) view.setBigInt64(i * 8, BigInt(data.values[i]), true);
      return new Uint8Array(view.buffer);
    }
  }
}
