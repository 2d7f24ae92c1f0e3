import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

import { PageQueryDto } from '../../http/pagination';
import { AuditLogRecord } from '../auth.entities';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Username of whoever acted' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  actor?: string;

  @ApiPropertyOptional({ example: 'user.create' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  action?: string;

  @ApiPropertyOptional({ example: 'user' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  subjectType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  subjectId?: string;

}

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  occurredAt!: Date;

  @ApiProperty()
  actor!: string;

  @ApiProperty({ description: 'The role the actor had, or anonymous (failed logins) or system (the CLI)' })
  actorRole!: string;

  @ApiProperty({ example: 'user.create' })
  action!: string;

  @ApiProperty({ example: 'user' })
  subjectType!: string;

  @ApiProperty({ type: String, nullable: true })
  subjectId!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true })
  details!: Record<string, unknown>;

  @ApiProperty({ type: String, nullable: true, description: 'The x-request-id of the request that acted' })
  correlationId!: string | null;

  static from(record: AuditLogRecord): AuditEntryDto {
    return { ...record };
  }
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] })
  items!: AuditEntryDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next (older) page; null on the last page' })
  nextCursor!: string | null;
}
