/**
 * Small ONNX models written from TypeScript with onnx-proto's protobuf classes: this repository has
 * no Python (no `onnx.helper`) and tests download nothing.
 *
 * The traps, each handled once here: graph nodes list tensor names in `input`/`output` (not
 * `inputs`); an attribute's `type` must be set explicitly (protobuf decides nothing from the JS
 * value, and ORT rejects an `alpha` typed INT); the model needs an `irVersion` and an `opsetImport`
 * of the default domain. IR 8 with opset 17 is what onnx 1.12 writes, well inside what ORT 1.30 reads.
 */
import { onnx } from 'onnx-proto';

export const IR_VERSION = 8;
export const OPSET = 17;

const { DataType } = onnx.TensorProto;
const { AttributeType } = onnx.AttributeProto;

export type ElemType = 'float32' | 'int64';

const ELEM_TYPES: Record<ElemType, onnx.TensorProto.DataType> = {
  float32: DataType.FLOAT,
  int64: DataType.INT64,
};

/** A graph input or output: name, element type and dims (a string is a symbolic dimension). */
export interface ValueSpec {
  name: string;
  type: ElemType;
  dims: (number | string)[];
}

export interface GraphSpec {
  name: string;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  initializers?: onnx.ITensorProto[];
  nodes: onnx.INodeProto[];
}

export function valueInfo({ name, type, dims }: ValueSpec): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM_TYPES[type],
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/** A float32 initializer (weights); `values` row-major. */
export function floatTensor(name: string, dims: number[], values: readonly number[]): onnx.ITensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`${name}: ${values.length} values for dims [${dims.join(', ')}]`);
  return { name, dims, dataType: DataType.FLOAT, floatData: [...values] };
}

export function node(opType: string, input: string[], output: string[], attribute: onnx.IAttributeProto[] = []): onnx.INodeProto {
  return { opType, input, output, name: `${opType}_${output[0]}`, attribute };
}

export const attr = {
  float: (name: string, f: number): onnx.IAttributeProto => ({ name, type: AttributeType.FLOAT, f }),
  int: (name: string, i: number): onnx.IAttributeProto => ({ name, type: AttributeType.INT, i }),
};

/** Serialized ModelProto, ready for `InferenceSession.create(bytes)` or a `.onnx` file. */
export function buildModel(spec: GraphSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'vigil-core-ml-tests',
    graph: {
      name: spec.name,
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
      initializer: spec.initializers ?? [],
      node: spec.nodes,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** `y = x · W + B` (MatMul + Add); x is [batch, in], W is [in][out], B is [out]. */
export function linearModel(weights: number[][], bias: number[]): Uint8Array {
  const inFeatures = weights.length;
  const outFeatures = bias.length;
  return buildModel({
    name: 'linear',
    inputs: [{ name: 'x', type: 'float32', dims: ['batch', inFeatures] }],
    outputs: [{ name: 'y', type: 'float32', dims: ['batch', outFeatures] }],
    initializers: [floatTensor('W', [inFeatures, outFeatures], weights.flat()), floatTensor('B', [outFeatures], bias)],
    nodes: [node('MatMul', ['x', 'W'], ['xw']), node('Add', ['xw', 'B'], ['y'])],
  });
}

/** Two inputs sharing the `batch` dimension: `sum = a + b`, `product = a * b`, both [batch, width]. */
export function twoInputModel(width: number): Uint8Array {
  return buildModel({
    name: 'two-input',
    inputs: [
      { name: 'a', type: 'float32', dims: ['batch', width] },
      { name: 'b', type: 'float32', dims: ['batch', width] },
    ],
    outputs: [
      { name: 'sum', type: 'float32', dims: ['batch', width] },
      { name: 'product', type: 'float32', dims: ['batch', width] },
    ],
    nodes: [node('Add', ['a', 'b'], ['sum']), node('Mul', ['a', 'b'], ['product'])],
  });
}

/**
 * `y = alpha · x · Wᵀ + B` as one Gemm with a float attribute (`alpha`) and an int one (`transB`);
 * W is given as [out][in], as Gemm with transB=1 expects.
 */
export function scaledGemmModel(weightsOutIn: number[][], bias: number[], alpha: number): Uint8Array {
  const outFeatures = weightsOutIn.length;
  const inFeatures = weightsOutIn[0].length;
  return buildModel({
    name: 'scaled-gemm',
    inputs: [{ name: 'x', type: 'float32', dims: ['batch', inFeatures] }],
    outputs: [{ name: 'y', type: 'float32', dims: ['batch', outFeatures] }],
    initializers: [floatTensor('W', [outFeatures, inFeatures], weightsOutIn.flat()), floatTensor('B', [outFeatures], bias)],
    nodes: [node('Gemm', ['x', 'W', 'B'], ['y'], [attr.float('alpha', alpha), attr.float('beta', 1), attr.int('transB', 1)])],
  });
}

/** Reference for linearModel, in float64 from the float32-rounded inputs. */
export function linearReference(x: Float32Array, weights: number[][], bias: number[]): Float64Array {
  const inFeatures = weights.length;
  const outFeatures = bias.length;
  const rows = x.length / inFeatures;
  const y = new Float64Array(rows * outFeatures);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outFeatures; o++) {
      let acc = Math.fround(bias[o]);
      for (let i = 0; i < inFeatures; i++) acc += x[r * inFeatures + i] * Math.fround(weights[i][o]);
      y[r * outFeatures + o] = acc;
    }
  }
  return y;
}
