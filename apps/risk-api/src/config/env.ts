import { PlatformEnv } from '@vigil/platform';

/** risk-api's configuration: the platform variables; domain variables join as the service grows. */
export class RiskApiEnv extends PlatformEnv {
  override PORT = 3000;
}
