import { HttpException, HttpStatus } from '@nestjs/common';

import { assertUnreachable } from '../errors/assert-unreachable';

/** Every way authentication, authorisation and user administration can refuse a request. */
export enum AuthErrorCode {
  MissingToken = 'MISSING_TOKEN',
  InvalidToken = 'INVALID_TOKEN',
  TokenExpired = 'TOKEN_EXPIRED',
  UserRevoked = 'USER_REVOKED',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  RoleRequired = 'ROLE_REQUIRED',
  UsernameTaken = 'USERNAME_TAKEN',
  UserNotFound = 'USER_NOT_FOUND',
  RoleNotInService = 'ROLE_NOT_IN_SERVICE',
  LastAdmin = 'LAST_ADMIN',
  InvalidCursor = 'INVALID_CURSOR',
  NothingToChange = 'NOTHING_TO_CHANGE',
}

/** The HTTP answer to each code: the one place that decides it (STYLE R9). */
export function httpStatusOf(code: AuthErrorCode): HttpStatus {
  switch (code) {
    case AuthErrorCode.MissingToken:
    case AuthErrorCode.InvalidToken:
    case AuthErrorCode.TokenExpired:
    case AuthErrorCode.UserRevoked:
    case AuthErrorCode.InvalidCredentials:
      return HttpStatus.UNAUTHORIZED;
    case AuthErrorCode.RoleRequired:
      return HttpStatus.FORBIDDEN;
    case AuthErrorCode.UsernameTaken:
    case AuthErrorCode.LastAdmin:
      return HttpStatus.CONFLICT;
    case AuthErrorCode.UserNotFound:
      return HttpStatus.NOT_FOUND;
    case AuthErrorCode.RoleNotInService:
    case AuthErrorCode.InvalidCursor:
    case AuthErrorCode.NothingToChange:
      return HttpStatus.BAD_REQUEST;
    default:
      return assertUnreachable(code);
  }
}

const REASON: Partial<Record<HttpStatus, string>> = {
  [HttpStatus.BAD_REQUEST]: 'Bad Request',
  [HttpStatus.UNAUTHORIZED]: 'Unauthorized',
  [HttpStatus.FORBIDDEN]: 'Forbidden',
  [HttpStatus.NOT_FOUND]: 'Not Found',
  [HttpStatus.CONFLICT]: 'Conflict',
};

/**
 * A refusal with its code. An HttpException, so Nest's own filter answers it, from a guard as
 * from a handler: `{ statusCode, error, code, message }`.
 */
export class AuthException extends HttpException {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    const status = httpStatusOf(code);
    super({ statusCode: status, error: REASON[status] ?? 'Error', code, message }, status);
    this.name = 'AuthException';
  }
}
