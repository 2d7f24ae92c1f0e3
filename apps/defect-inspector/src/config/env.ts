import { PlatformEnv } from '@vigil/platform';
import { IsIn } from 'class-validator';

import { CLIP_ENGINE_SETTINGS, ClipEngineSetting } from '../modules/inspection/clip-engine';

/** defect-inspector's configuration: the platform variables; domain variables join as the service grows. */
export class DefectInspectorEnv extends PlatformEnv {
  override PORT = 3001;

  /** What runs the clip model: `auto` (a GPU through libs/native-gpu when present, else ONNX Runtime), `onnxruntime` or `native`. */
  @IsIn(CLIP_ENGINE_SETTINGS)
  INSPECTOR_ENGINE: ClipEngineSetting = 'auto';
}
