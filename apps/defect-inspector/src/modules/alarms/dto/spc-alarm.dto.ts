import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '@vigil/platform';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';

export const ALARM_STATUSES = ['open', 'acknowledged'] as const;
export type AlarmStatus = (typeof ALARM_STATUSES)[number];

export class SpcAlarmQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'line id' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  line?: string;

  @ApiPropertyOptional({ enum: [1, 2, 3, 4], description: 'Western Electric rule' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @IsIn([1, 2, 3, 4])
  rule?: number;

  @ApiPropertyOptional({ enum: ALARM_STATUSES })
  @IsOptional()
  @IsIn(ALARM_STATUSES)
  status?: AlarmStatus;

  @ApiPropertyOptional({ description: 'subgroup start at or after, ISO-8601' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'subgroup start before, ISO-8601' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class SpcAlarmIdParam {
  @ApiProperty({ description: 'alarm id (a positive integer)' })
  @Matches(/^[1-9]\d{0,17}$/, { message: 'id must be a positive integer alarm id' })
  id!: string;
}

export class AcknowledgeAlarmDto {
  @ApiProperty({ minLength: 1, maxLength: 2000, description: 'what was found or done (kept with the alarm and in the audit log)' })
  @IsString()
  @Length(1, 2000)
  note!: string;
}
