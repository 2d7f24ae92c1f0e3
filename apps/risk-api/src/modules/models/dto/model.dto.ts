import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LIVE_ROLES, type LiveRole, MODEL_NAME } from '@vigil/core-ml';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';

export class ModelVersionParams {
  @ApiProperty({ example: 'risk' })
  @Matches(MODEL_NAME, { message: `name must match ${MODEL_NAME.source}` })
  name!: string;

  @ApiProperty({ example: 3 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2 ** 31 - 1)
  version!: number;
}

export class ModelNameParams {
  @ApiProperty({ example: 'risk' })
  @Matches(MODEL_NAME, { message: `name must match ${MODEL_NAME.source}` })
  name!: string;
}

export class PromoteModelDto {
  @ApiProperty({ enum: LIVE_ROLES, description: 'champion decides; shadow scores beside it without deciding' })
  @IsIn(LIVE_ROLES)
  role!: LiveRole;

  @ApiPropertyOptional({ description: "Promote to champion although the gate refuses (the card's criteria are not met); needs a reason, and both are audited" })
  @IsOptional()
  @IsBoolean()
  force?: boolean;

  @ApiPropertyOptional({ minLength: 10, maxLength: 2000, description: 'Why (required with force; recorded in the audit log)' })
  @ValidateIf((dto: PromoteModelDto) => dto.force === true || dto.reason !== undefined)
  @IsString()
  @Length(10, 2000)
  reason?: string;
}

export class ComparisonQueryDto {
  @ApiPropertyOptional({ description: 'shadow scores processed at or after (ISO-8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'shadow scores processed before (ISO-8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'the challenger version (default: the shadow)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2 ** 31 - 1)
  challenger?: number;

  @ApiPropertyOptional({ description: 'the champion version whose decisions it is compared with (default: the champion)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2 ** 31 - 1)
  champion?: number;

  @ApiPropertyOptional({ minimum: 0.0001, maximum: 0.5, description: 'the alert share each model is flagged at (default: the alert budget in force, GET /alert-budget)' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0.0001)
  @Max(0.5)
  budget?: number;
}
