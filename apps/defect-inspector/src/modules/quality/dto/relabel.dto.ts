import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

import { DEFECT_CLASSES } from '../../../simulator/defects';

export const RELABELS = ['FALSE_POSITIVE', 'MISSED_DEFECT', ...DEFECT_CLASSES] as const;
export type Relabel = (typeof RELABELS)[number];

export class RelabelDto {
  @ApiProperty({
    enum: RELABELS,
    description: 'FALSE_POSITIVE: a DEFECT verdict was wrong (the part is OK); MISSED_DEFECT: an OK verdict was wrong (class unknown); a class: the part has that defect',
  })
  @IsIn(RELABELS)
  label!: Relabel;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}
