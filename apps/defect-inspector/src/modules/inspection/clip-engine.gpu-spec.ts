/**
 * @jest-environment @vigil/core-ml/test/ort-environment
 *
 * The inspector's clip engine on a machine with a CUDA device (`npm run test:gpu`): the default
 * INSPECTOR_ENGINE serves there on libs/native-gpu's CUDA kernels, with ONNX Runtime's verdicts.
 */
import { chooseClipEngine } from './clip-engine';
import { describeEngineParity } from './clip-engine-parity';

it("serves on CUDA under the default setting 'auto'", () => {
  expect(chooseClipEngine('auto')).toBe('native-cuda');
});

describeEngineParity('native-cuda');
