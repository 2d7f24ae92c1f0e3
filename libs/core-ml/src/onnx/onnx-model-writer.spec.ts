/**
 * @jest-environment @vigil/core-ml/test/ort-environment
 *
 * The ONNX writer against the real onnxruntime-node (CPU): models built here run and match a direct
 * computation, and the encoded protobuf carries the attribute types ORT insists on.
 */
import { onnx } from 'onnx-proto';
import { InferenceSession, Tensor } from 'onnxruntime-node';

import { ONNX_ML_DOMAIN, attr, encodeOnnxModel, tensor } from './onnx-model-writer';

const run = async (bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<InferenceSession.OnnxValueMapType> => {
  const session = await InferenceSession.create(bytes);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
};

describe('encodeOnnxModel', () => {
  it('builds MatMul + Add + Sigmoid with a symbolic batch dimension that ORT runs', async () => {
    // Prepare
    const w = [0.5, -1, 2, 0.25, -0.75, 1.5]; // [3, 2]
    const b = [0.1, -0.2];
    const bytes = encodeOnnxModel({
      graphName: 'logistic',
      inputs: [{ name: 'x', type: 'float32', dims: ['batch', 3] }],
      outputs: [{ name: 'p', type: 'float32', dims: ['batch', 2] }],
      initializers: [tensor.float32('W', [3, 2], Float32Array.from(w)), tensor.float32('B', [2], b)],
      nodes: [
        { opType: 'MatMul', inputs: ['x', 'W'], outputs: ['xw'] },
        { opType: 'Add', inputs: ['xw', 'B'], outputs: ['z'] },
        { opType: 'Sigmoid', inputs: ['z'], outputs: ['p'] },
      ],
    });
    const x = Float32Array.from([1, 2, 3, -1, 0.5, 0, 0, 0, 0, 4, -2, 1]);

    // Act
    const { p } = await run(bytes, { x: new Tensor('float32', x, [4, 3]) });

    // Assert
    expect(p.dims).toEqual([4, 2]);
    const got = p.data as Float32Array;
    for (let r = 0; r < 4; r++) {
      for (let o = 0; o < 2; o++) {
        let z = b[o];
        for (let i = 0; i < 3; i++) z += x[r * 3 + i] * w[i * 2 + o];
        expect(got[r * 2 + o]).toBeCloseTo(1 / (1 + Math.exp(-z)), 6);
      }
    }
  });

  it('keeps whole-number float attributes FLOAT (Gemm alpha = 2, beta = 1) and ints INT', async () => {
    // Prepare
    const bytes = encodeOnnxModel({
      graphName: 'gemm',
      inputs: [{ name: 'x', type: 'float32', dims: ['n', 2] }],
      outputs: [{ name: 'y', type: 'float32', dims: ['n', 1] }],
      initializers: [tensor.float32('W', [1, 2], [3, -1]), tensor.float32('C', [1], [0.5])],
      nodes: [
        {
          opType: 'Gemm',
          inputs: ['x', 'W', 'C'],
          outputs: ['y'],
          attributes: { alpha: attr.float(2), beta: attr.float(1), transB: attr.int(1) },
        },
      ],
    });

    // Act
    const decoded = onnx.ModelProto.decode(bytes);
    const { y } = await run(bytes, { x: new Tensor('float32', Float32Array.from([1, 1, 2, 5]), [2, 2]) });

    // Assert
    const attributes = decoded.graph?.node?.[0]?.attribute ?? [];
    const types = Object.fromEntries(attributes.map((a) => [a.name, a.type]));
    expect(types).toEqual({
      alpha: onnx.AttributeProto.AttributeType.FLOAT,
      beta: onnx.AttributeProto.AttributeType.FLOAT,
      transB: onnx.AttributeProto.AttributeType.INT,
    });
    expect(Array.from(y.data as Float32Array)).toEqual([2 * (3 - 1) + 0.5, 2 * (6 - 5) + 0.5]);
  });

  it('writes int8 and int64 initializers (DequantizeLinear, Reshape)', async () => {
    // Prepare
    const q = [-128, -1, 0, 1, 5, 127];
    const bytes = encodeOnnxModel({
      graphName: 'dequantize',
      inputs: [{ name: 'scale', type: 'float32', dims: [] }],
      outputs: [{ name: 'y', type: 'float32', dims: [2, 3] }],
      initializers: [
        tensor.int8('q', [6], Int8Array.from(q)),
        tensor.int8('zero', [], [1]),
        tensor.int64('shape', [2], [2n, 3]),
      ],
      nodes: [
        { opType: 'DequantizeLinear', inputs: ['q', 'scale', 'zero'], outputs: ['flat'] },
        { opType: 'Reshape', inputs: ['flat', 'shape'], outputs: ['y'] },
      ],
    });

    // Act
    const { y } = await run(bytes, { scale: new Tensor('float32', Float32Array.from([0.5]), []) });

    // Assert
    expect(y.dims).toEqual([2, 3]);
    expect(Array.from(y.data as Float32Array)).toEqual(q.map((v) => (v - 1) * 0.5));
  });

  it('rejects a node whose domain has no opset import, and mismatched initializer sizes', () => {
    const base = {
      graphName: 'bad',
      inputs: [{ name: 'x', type: 'float32' as const, dims: [1] }],
      outputs: [{ name: 'y', type: 'float32' as const, dims: [1] }],
    };
    expect(() =>
      encodeOnnxModel({ ...base, nodes: [{ opType: 'Normalizer', domain: ONNX_ML_DOMAIN, inputs: ['x'], outputs: ['y'] }] }),
    ).toThrow(/domain 'ai.onnx.ml' with no opset/);
    expect(() =>
      encodeOnnxModel({
        ...base,
        initializers: [tensor.float32('W', [2, 2], [1, 2, 3])],
        nodes: [{ opType: 'Identity', inputs: ['x'], outputs: ['y'] }],
      }),
    ).toThrow(/initializer 'W': 3 values for dims \[2, 2\]/);
  });
});
