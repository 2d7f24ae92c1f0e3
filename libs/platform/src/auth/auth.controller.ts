import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';

import { BEARER_SCHEME, CurrentUser, Public } from './auth.decorators';
import { AuthService } from './auth.service';
import { AuthenticatedUser } from './authenticated-user';
import { CurrentUserDto, TokenRequestDto, TokenResponseDto } from './dto';
import { IssuedToken } from './token.service';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('token')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Log in: username and password for a bearer token' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({ description: 'invalid username or password (which one is never said)' })
  token(@Body() body: TokenRequestDto): Promise<IssuedToken> {
    return this.auth.login(body.username, body.password);
  }

  @Get('me')
  @ApiBearerAuth(BEARER_SCHEME)
  @ApiOperation({ summary: 'The user the bearer token acts for, with their current role' })
  @ApiOkResponse({ type: CurrentUserDto })
  @ApiUnauthorizedResponse({ description: 'No bearer token, or an invalid, expired or revoked one' })
  me(@CurrentUser() user: AuthenticatedUser): CurrentUserDto {
    return user;
  }
}
