import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

import { AppUserRecord } from '../auth.entities';
import { Role, ROLES } from '../roles';

/** As `<schema>.app_user`'s CHECK constraint has it. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/;
export const PASSWORD_MIN_LENGTH = 12;

const ROLE_DESCRIPTION = "viewer, the service's domain role (risk-api: analyst, defect-inspector: engineer), or admin";

export class CreateUserDto {
  @ApiProperty({ example: 'ana', pattern: USERNAME_PATTERN.source, description: 'Unique regardless of case' })
  @Matches(USERNAME_PATTERN, { message: 'username must be 2-64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit' })
  username!: string;

  @ApiProperty({ format: 'password', writeOnly: true, minLength: PASSWORD_MIN_LENGTH })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, 1024)
  password!: string;

  @ApiProperty({ enum: ROLES, description: ROLE_DESCRIPTION })
  @IsIn(ROLES)
  role!: Role;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ROLES, description: ROLE_DESCRIPTION })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ description: 'A disabled user cannot log in, and their tokens stop working at once' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ format: 'password', writeOnly: true, minLength: PASSWORD_MIN_LENGTH, description: 'Resets the password' })
  @IsOptional()
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, 1024)
  password?: string;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  username!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiProperty()
  disabled!: boolean;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty()
  updatedAt!: Date;

  static from({ id, username, role, disabled, createdAt, updatedAt }: AppUserRecord): UserDto {
    return { id, username, role, disabled, createdAt, updatedAt };
  }
}
