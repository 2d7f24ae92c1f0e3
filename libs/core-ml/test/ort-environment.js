/**
 * Jest's node environment with the host's typed-array constructors, for specs that run real
 * onnxruntime-node models. Select it per spec file with the docblock
 *   @jest-environment @vigil/core-ml/test/ort-environment
 * (a package path, so it resolves the same from the root jest.config.js and from the lib's own).
 *
 * Why: jest runs each spec in a vm context whose globals are copies, while ORT's native binding
 * builds output tensors with the host's Float32Array. onnxruntime-common (loaded inside the context)
 * then fails `data instanceof Float32Array` with "A float32 tensor's data must be type of function
 * Float32Array()" (microsoft/onnxruntime#16622). Production code runs in one realm and never sees this.
 */
const { TestEnvironment } = require('jest-environment-node');

const HOST_CONSTRUCTORS = [
  'ArrayBuffer',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'Float16Array',
];

class OrtEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of HOST_CONSTRUCTORS) {
      if (globalThis[name] !== undefined) this.global[name] = globalThis[name];
    }
  }
}

module.exports = OrtEnvironment;
