/**
 * @jest-environment @vigil/core-ml/test/ort-environment
 */
import { chooseClipEngine } from './clip-engine';
import { describeEngineParity } from './clip-engine-parity';

describe('chooseClipEngine', () => {
  it.each([
    ['auto', ['cpu'], 'onnxruntime'],
    ['auto', ['cpu', 'cuda'], 'native-cuda'],
    ['onnxruntime', ['cpu', 'cuda'], 'onnxruntime'],
    ['native', ['cpu'], 'native-cpu'],
    ['native', ['cpu', 'cuda'], 'native-cuda'],
  ] as const)('%s with backends %j serves on %s', (setting, available, engine) => {
    expect(chooseClipEngine(setting, available)).toBe(engine);
  });
});

/** The shipped champion's clip graph through both engines, on held-out simulator clips. */
describeEngineParity('native-cpu');
