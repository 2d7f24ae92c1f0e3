import { PlatformEnv } from '@vigil/platform';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, Max, Min } from 'class-validator';

/** risk-api's configuration: the platform variables and the model monitoring's. */
export class RiskApiEnv extends PlatformEnv {
  override PORT = 3000;

  /** KL(live ‖ training) in nats above which an input or the score raises a drift alert. */
  @Type(() => Number)
  @IsNumber()
  @Min(0.001)
  @Max(10)
  MODEL_DRIFT_KL_THRESHOLD = 0.15;

  /** Champion-scored transactions in the sliding drift window. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(1_000_000)
  MODEL_DRIFT_WINDOW = 5_000;
}
