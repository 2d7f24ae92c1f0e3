import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '@vigil/platform';
import { IsIn, IsOptional, IsString, Length, ValidateIf } from 'class-validator';

export const CASE_STATUSES = ['OPEN', 'IN_PROGRESS', 'CLOSED'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export class CaseQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CASE_STATUSES })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: CaseStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 64)
  customer?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 128)
  assignee?: string;

}

export class UpdateCaseDto {
  @ApiPropertyOptional({ enum: CASE_STATUSES })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: CaseStatus;

  @ApiPropertyOptional({ nullable: true, description: 'a username, or null to unassign' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Length(1, 128)
  assignee?: string | null;
}
