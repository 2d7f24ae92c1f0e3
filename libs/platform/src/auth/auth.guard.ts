import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';

import { IS_PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { AuthErrorCode, AuthException } from './auth.exception';
import { AuthService } from './auth.service';
import { AuthenticatedUser } from './authenticated-user';
import { describeRequirement, Role, satisfiesRoles } from './roles';

export type AuthenticatedRequest = Request & { user?: AuthenticatedUser };

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/-]+=*)[ \t]*$/i;

/**
 * The global guard (APP_GUARD): every HTTP route needs a valid bearer token unless it is
 * `@Public()`, and the roles of its `@Roles(...)` (handler over controller). Puts the user on the
 * request for `@CurrentUser()`. Other transports pass through: Kafka handlers are not requests.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    let user: AuthenticatedUser;
    try {
      user = await this.auth.authenticate(bearerToken(request.headers.authorization));
    } catch (error) {
      if (error instanceof AuthException && error.getStatus() === HttpStatus.UNAUTHORIZED) {
        const description = error.code === AuthErrorCode.MissingToken ? '' : `, error="invalid_token"`;
        http.getResponse<Response>().setHeader('WWW-Authenticate', `Bearer${description}`);
      }
      throw error;
    }
    request.user = user;

    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!satisfiesRoles(user.role, required)) {
      throw new AuthException(AuthErrorCode.RoleRequired, `${request.method} ${request.route?.path ?? request.path} ${describeRequirement(required)}; you are ${user.role}`);
    }
    return true;
  }
}

function bearerToken(header: string | undefined): string {
  const match = header === undefined ? null : BEARER.exec(header);
  if (match === null) {
    throw new AuthException(AuthErrorCode.MissingToken, 'a bearer token is required: get one at POST /auth/token, then send "Authorization: Bearer <token>"');
  }
  return match[1];
}
