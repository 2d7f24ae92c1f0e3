import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '@vigil/platform';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

import { SUBGROUP_PATTERN } from '../../../spc';
import { MAX_OVERLAY_SCALE } from '../heatmap-overlay';

export const VERDICTS = ['OK', 'DEFECT'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Filters shared by the inspection list and the gallery. */
export class InspectionFilterDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'line id' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  line?: string;

  @ApiPropertyOptional({ description: 'camera id' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  camera?: string;

  @ApiPropertyOptional({ description: 'the defect class the model gave' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  class?: string;

  @ApiPropertyOptional({ description: 'capture time (of the clip’s last frame) at or after, ISO-8601' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'capture time before, ISO-8601' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'model version that inspected' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  modelVersion?: number;
}

export class InspectionQueryDto extends InspectionFilterDto {
  @ApiPropertyOptional({ enum: VERDICTS, description: 'the model’s verdict' })
  @IsOptional()
  @IsIn(VERDICTS)
  verdict?: Verdict;
}

export const IMAGE_KINDS = ['overlay', 'crop', 'heatmap', 'frame'] as const;
export type ImageKind = (typeof IMAGE_KINDS)[number];

export class ImageQueryDto {
  @ApiPropertyOptional({ enum: IMAGE_KINDS, default: 'overlay', description: 'overlay: the crop with the heatmap laid over it; crop, heatmap, frame: as stored' })
  @IsOptional()
  @IsIn(IMAGE_KINDS)
  kind: ImageKind = 'overlay';

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_OVERLAY_SCALE, default: 1, description: 'whole-pixel upscaling of the overlay' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_OVERLAY_SCALE)
  scale: number = 1;
}

/** A required time range, from inclusive, to exclusive. */
export class TimeRangeDto {
  @ApiProperty({ description: 'ISO-8601, inclusive' })
  @IsISO8601({ strict: true })
  from!: string;

  @ApiProperty({ description: 'ISO-8601, exclusive' })
  @IsISO8601({ strict: true })
  to!: string;
}

export class YieldQueryDto extends TimeRangeDto {
  @ApiPropertyOptional({ description: 'one line; all lines without it' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  line?: string;
}

export class PChartQueryDto extends TimeRangeDto {
  @ApiProperty({ description: 'line id' })
  @IsString()
  @Length(1, 128)
  line!: string;

  @ApiPropertyOptional({
    default: '1h',
    description: "a UTC time bucket dividing a day (15m, 1h, 8h, ...), 'shift' (06-14, 14-22, 22-06 UTC), or 'parts:<N>' (runs of N inspections)",
  })
  @IsOptional()
  @Matches(SUBGROUP_PATTERN, { message: "subgroup must be a duration like 15m or 1h, 'shift', or 'parts:<N>'" })
  subgroup: string = '1h';
}

export class CameraHealthQueryDto {
  @ApiPropertyOptional({ description: 'one line; all cameras without it' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  line?: string;

  @ApiPropertyOptional({ description: 'window start, ISO-8601; default an hour before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'window end, ISO-8601; default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class InspectionIdParam {
  @ApiProperty({ description: 'inspection id (a positive integer)' })
  @Matches(/^[1-9]\d{0,17}$/, { message: 'id must be a positive integer inspection id' })
  id!: string;
}
