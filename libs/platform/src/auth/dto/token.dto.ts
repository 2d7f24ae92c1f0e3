import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

import { Role, ROLES } from '../roles';

export class TokenRequestDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @Length(1, 64)
  username!: string;

  @ApiProperty({ format: 'password', writeOnly: true })
  @IsString()
  @Length(1, 1024)
  password!: string;
}

export class TokenResponseDto {
  @ApiProperty({ description: 'Send as "Authorization: Bearer <accessToken>"' })
  accessToken!: string;

  @ApiProperty({ description: 'Seconds until the token expires', example: 3600 })
  expiresIn!: number;

  @ApiProperty({ enum: ROLES })
  role!: Role;
}

export class CurrentUserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  username!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;
}
