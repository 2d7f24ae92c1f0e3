import 'reflect-metadata';

import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsObject, IsString, Length, Max, Min, ValidateIf, ValidateNested } from 'class-validator';

/** The `inspection.results` topic's value (key: camera id), one per inspected clip (shared/PRODUCT.md). */
export const INSPECTION_VERDICTS = ['OK', 'DEFECT'] as const;
export type InspectionVerdict = (typeof INSPECTION_VERDICTS)[number];

/** A box in pixels of the frame at seqEnd: left, top, width, height (whole pixels). */
export class InspectionBox {
  @IsInt()
  @Min(0)
  x!: number;

  @IsInt()
  @Min(0)
  y!: number;

  @IsInt()
  @Min(1)
  w!: number;

  @IsInt()
  @Min(1)
  h!: number;
}

/**
 * One clip's verdict. `score` is the model's defect probability (1 − P(OK)); DEFECT when it reaches
 * the model's threshold, with `defectClass` the most likely defect class and `bbox` read off the
 * model's heatmap; for OK both are null. Fields beyond the contract (`threshold`, `modelName`,
 * `missingFrames`, `alignmentConfidence`, `processedAt`) are extra: consumers ignore what they do
 * not know. `tsStart`/`tsEnd` are capture times in integer µs since epoch, as on camera.frames.
 */
export class InspectionResultMessage {
  @IsString()
  @Length(1, 64)
  cameraId!: string;

  @IsString()
  @Length(1, 64)
  lineId!: string;

  @IsInt()
  @Min(0)
  seqStart!: number;

  @IsInt()
  @Min(0)
  seqEnd!: number;

  @IsInt()
  @Min(1)
  tsStart!: number;

  @IsInt()
  @Min(1)
  tsEnd!: number;

  @IsIn(INSPECTION_VERDICTS)
  verdict!: InspectionVerdict;

  @ValidateIf((message: InspectionResultMessage) => message.verdict === 'DEFECT')
  @IsString()
  @Length(1, 64)
  defectClass!: string | null;

  @IsNumber()
  @Min(0)
  @Max(1)
  score!: number;

  @ValidateIf((message: InspectionResultMessage) => message.bbox !== null)
  @IsObject()
  @ValidateNested()
  @Type(() => InspectionBox)
  bbox!: InspectionBox | null;

  /** The registered model version that decided. */
  @IsString()
  @Length(1, 64)
  modelVersion!: string;

  /** From the clip's last frame reaching the service to the verdict, in ms. */
  @IsNumber()
  @Min(0)
  latencyMs!: number;

  @IsNumber()
  @Min(0)
  @Max(1)
  threshold!: number;

  @IsString()
  modelName!: string;

  @IsInt()
  @Min(0)
  missingFrames!: number;

  @IsNumber()
  @Min(0)
  @Max(1)
  alignmentConfidence!: number;

  /** ISO-8601, UTC */
  @IsString()
  processedAt!: string;
}
