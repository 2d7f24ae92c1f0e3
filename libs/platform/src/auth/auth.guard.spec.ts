import { Controller, ExecutionContext, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { Public, Roles } from './auth.decorators';
import { AuthErrorCode, AuthException } from './auth.exception';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { AuthenticatedUser } from './authenticated-user';
import { Role } from './roles';

@Roles('analyst')
@Controller('alerts')
class AlertsController {
  @Get()
  list() {}

  @Roles('viewer')
  @Get('summary')
  summary() {}

  @Roles('admin')
  @Get('purge')
  purge() {}

  @Public()
  @Get('public')
  open() {}
}

@Controller('me')
class AnyUserController {
  @Get()
  me() {}
}

type Handler = (...args: unknown[]) => unknown;

function httpContext(controller: new () => object, handler: string, headers: Record<string, string> = {}) {
  const request: Record<string, unknown> = { headers, method: 'GET', path: `/${handler}`, route: { path: `/${handler}` } };
  const response = { setHeader: jest.fn() };
  const context = {
    getType: () => 'http',
    getHandler: () => (controller.prototype as Record<string, Handler>)[handler],
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ExecutionContext;
  return { context, request, response };
}

const userWith = (role: Role): AuthenticatedUser => ({ id: 'u-1', username: 'ana', role });

describe(AuthGuard.name, () => {
  let auth: { authenticate: jest.Mock };
  let sut: AuthGuard;

  beforeEach(() => {
    auth = { authenticate: jest.fn() };
    sut = new AuthGuard(new Reflector(), auth as unknown as AuthService);
  });

  it('lets a public route through without looking for a token', async () => {
    const { context } = httpContext(AlertsController, 'open');

    await expect(sut.canActivate(context)).resolves.toBe(true);
    expect(auth.authenticate).not.toHaveBeenCalled();
  });

  it('refuses a request without a bearer token with 401, asking for one', async () => {
    const { context, response } = httpContext(AnyUserController, 'me');

    await expect(sut.canActivate(context)).rejects.toMatchObject({ code: AuthErrorCode.MissingToken, status: 401 });
    expect(response.setHeader).toHaveBeenCalledWith('WWW-Authenticate', 'Bearer');
  });

  it.each(['Basic YWxhZGRpbjpvcGVuc2VzYW1l', 'Bearer', 'Bearer two tokens', 'token-without-scheme'])('treats "%s" as no bearer token', async (header) => {
    const { context } = httpContext(AnyUserController, 'me', { authorization: header });

    await expect(sut.canActivate(context)).rejects.toMatchObject({ code: AuthErrorCode.MissingToken });
  });

  it('passes on the refusal of an invalid token (401) and marks it invalid_token', async () => {
    auth.authenticate.mockRejectedValue(new AuthException(AuthErrorCode.TokenExpired, 'expired'));
    const { context, response } = httpContext(AnyUserController, 'me', { authorization: 'Bearer abc.def.ghi' });

    await expect(sut.canActivate(context)).rejects.toMatchObject({ code: AuthErrorCode.TokenExpired, status: 401 });
    expect(auth.authenticate).toHaveBeenCalledWith('abc.def.ghi');
    expect(response.setHeader).toHaveBeenCalledWith('WWW-Authenticate', 'Bearer, error="invalid_token"');
  });

  it('lets any authenticated user through a route without @Roles, and puts them on the request', async () => {
    auth.authenticate.mockResolvedValue(userWith('viewer'));
    const { context, request } = httpContext(AnyUserController, 'me', { authorization: 'bearer abc.def.ghi' });

    await expect(sut.canActivate(context)).resolves.toBe(true);
    expect(request.user).toEqual(userWith('viewer'));
  });

  it.each([
    ['list', 'analyst', true],
    ['list', 'admin', true],
    ['summary', 'viewer', true],
    ['purge', 'analyst', false],
  ] as const)('applies the handler roles over the controller roles: %s as %s -> %s', async (handler, role, allowed) => {
    auth.authenticate.mockResolvedValue(userWith(role));
    const { context } = httpContext(AlertsController, handler, { authorization: 'Bearer t' });

    const act = sut.canActivate(context);

    if (allowed) await expect(act).resolves.toBe(true);
    else await expect(act).rejects.toMatchObject({ code: AuthErrorCode.RoleRequired });
  });

  it('refuses a role below the requirement with 403, naming the role needed and the one held', async () => {
    auth.authenticate.mockResolvedValue(userWith('viewer'));
    const { context } = httpContext(AlertsController, 'list', { authorization: 'Bearer t' });

    const act = sut.canActivate(context);

    await expect(act).rejects.toMatchObject({ status: 403, code: AuthErrorCode.RoleRequired });
    await expect(act).rejects.toThrow('GET /list requires role analyst (or higher); you are viewer');
  });

  it('leaves non-HTTP handlers (Kafka) alone', async () => {
    const context = { getType: () => 'rpc' } as unknown as ExecutionContext;

    await expect(sut.canActivate(context)).resolves.toBe(true);
    expect(auth.authenticate).not.toHaveBeenCalled();
  });
});
