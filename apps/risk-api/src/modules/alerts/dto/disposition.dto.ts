import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

export const DISPOSITIONS = ['FRAUD', 'LEGIT', 'ESCALATE'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export class DispositionDto {
  @ApiProperty({ enum: DISPOSITIONS, description: 'FRAUD and LEGIT close the alert; ESCALATE keeps it open. Each becomes a training label.' })
  @IsIn(DISPOSITIONS)
  disposition!: Disposition;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}
