import { PlatformEnv } from '@vigil/platform';

/** defect-inspector's configuration: the platform variables; domain variables join as the service grows. */
export class DefectInspectorEnv extends PlatformEnv {
  override PORT = 3001;
}
