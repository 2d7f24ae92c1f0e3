import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';

import { AuthenticatedUser } from './authenticated-user';
import { describeRequirement, Role } from './roles';

export const IS_PUBLIC_KEY = 'vigil:auth:public';
export const ROLES_KEY = 'vigil:auth:roles';

/** The OpenAPI security scheme `bootstrapService` declares (`addBearerAuth()`'s default name). */
export const BEARER_SCHEME = 'bearer';

/**
 * Opts a controller or handler out of authentication. Only for what must answer without a token:
 * probes, scrapes and the token endpoint itself.
 */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * The roles a controller or handler requires, any of them; higher roles pass too (viewer <
 * analyst | engineer < admin). A handler's `@Roles` replaces its controller's. Without `@Roles` a
 * route needs any authenticated user. Also documents the bearer scheme and the 401/403 answers.
 */
export function Roles(...roles: [Role, ...Role[]]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(BEARER_SCHEME),
    ApiUnauthorizedResponse({ description: 'No bearer token, or an invalid, expired or revoked one' }),
    ApiForbiddenResponse({ description: describeRequirement(roles) }),
  );
}

/** The authenticated user of the request, as the global guard put it there. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser => {
  const request = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>();
  if (request.user === undefined) throw new Error('@CurrentUser() on a route the auth guard did not authenticate (is it @Public()?)');
  return request.user;
});
