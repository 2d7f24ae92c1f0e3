import { ApiProperty } from '@nestjs/swagger';
import { LIVE_ROLES, type LiveRole, MODEL_NAME } from '@vigil/core-ml';
import { Type } from 'class-transformer';
import { IsIn, IsInt, Matches, Max, Min } from 'class-validator';

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

export class PromoteModelDto {
  @ApiProperty({ enum: LIVE_ROLES, description: 'champion decides; shadow scores beside it without deciding' })
  @IsIn(LIVE_ROLES)
  role!: LiveRole;
}
