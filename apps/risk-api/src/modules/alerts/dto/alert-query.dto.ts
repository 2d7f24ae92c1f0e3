import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '@vigil/platform';
import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export const ALERT_SORTS = ['score', 'created'] as const;

export class AlertQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['OPEN', 'CLOSED'] })
  @IsOptional()
  @IsIn(['OPEN', 'CLOSED'])
  status?: 'OPEN' | 'CLOSED';

  @ApiPropertyOptional({ enum: ['REVIEW', 'BLOCK'] })
  @IsOptional()
  @IsIn(['REVIEW', 'BLOCK'])
  decision?: 'REVIEW' | 'BLOCK';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 64)
  customer?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 64)
  account?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  minScore?: number;

  @ApiPropertyOptional({ description: 'created at or after (ISO-8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'created before (ISO-8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ enum: ALERT_SORTS, default: 'score', description: 'score: highest first; created: newest first' })
  @IsOptional()
  @IsIn(ALERT_SORTS)
  sort: (typeof ALERT_SORTS)[number] = 'score';

}
