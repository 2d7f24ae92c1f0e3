import { PlatformEnv } from '@vigil/platform';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, Max, Min, Validate, ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';

import { DEFAULT_ALERT_BUDGET_SETTINGS as BUDGET } from '../modules/budget/alert-budget';
import { SEGMENT_BY, SegmentBy } from '../modules/budget/segment-by';

@ValidatorConstraint({ name: 'notAboveEpoch' })
class NotAboveEpoch implements ValidatorConstraintInterface {
  validate(warmup: number, { object }: ValidationArguments): boolean {
    return warmup <= (object as RiskApiEnv).ALERT_BUDGET_EPOCH;
  }

  defaultMessage(): string {
    // The window never holds fewer than one epoch once it rotated: a longer warm-up would never end.
    return 'ALERT_BUDGET_WARMUP must not exceed ALERT_BUDGET_EPOCH';
  }
}

/** risk-api's configuration: the platform variables, the model monitoring's and the alert budget's. */
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

  /** The share of transactions that may go to REVIEW or BLOCK until an admin sets one (PUT /alert-budget). */
  @Type(() => Number)
  @IsNumber({ maxDecimalPlaces: 6 })
  @Min(0.0001)
  @Max(0.5)
  ALERT_BUDGET = BUDGET.share;

  /** The part of the budget BLOCK may take at most. */
  @Type(() => Number)
  @IsNumber({ maxDecimalPlaces: 6 })
  @Min(0.01)
  @Max(1)
  ALERT_BUDGET_BLOCK_SHARE = BUDGET.blockShare;

  /** Transactions per epoch of the budget's window (the window is the current epoch and the previous one). */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(10_000_000)
  ALERT_BUDGET_EPOCH = BUDGET.epochSize;

  /** Scores the window (or a segment's part of it) must hold before its thresholds replace the model's shipped ones. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Validate(NotAboveEpoch)
  ALERT_BUDGET_WARMUP = BUDGET.warmup;

  /** Transactions between two re-estimates of the thresholds (each stored as a new version). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(1_000_000)
  ALERT_BUDGET_REESTIMATE_EVERY = BUDGET.reestimateEvery;

  /** Thresholds per channel or per transaction type, each holding the budget; `none`: one set for all. */
  @IsIn(SEGMENT_BY)
  ALERT_BUDGET_SEGMENT_BY: SegmentBy = 'none';
}
