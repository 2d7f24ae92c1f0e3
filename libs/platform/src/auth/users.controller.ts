import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser, Roles } from './auth.decorators';
import { AuthenticatedUser } from './authenticated-user';
import { CreateUserDto, UpdateUserDto, UserDto } from './dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a user with a role of this service' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiConflictResponse({ description: 'The username is taken (regardless of case)' })
  async create(@CurrentUser() actor: AuthenticatedUser, @Body() body: CreateUserDto): Promise<UserDto> {
    return UserDto.from(await this.users.create(actor, body));
  }

  @Get()
  @ApiOperation({ summary: 'Every user of this service' })
  @ApiOkResponse({ type: [UserDto] })
  async list(@CurrentUser() actor: AuthenticatedUser): Promise<UserDto[]> {
    return (await this.users.list(actor)).map((user) => UserDto.from(user));
  }

  @Patch(':id')
  @ApiOperation({ summary: "Change a user's role, disable or enable them, or reset their password" })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ description: 'No such user' })
  @ApiConflictResponse({ description: 'The change would leave no enabled admin' })
  async update(@CurrentUser() actor: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: UpdateUserDto): Promise<UserDto> {
    return UserDto.from(await this.users.update(actor, id, body));
  }
}
