import { JwtService } from '@nestjs/jwt';

import { AuthErrorCode, AuthException } from './auth.exception';
import { AccessTokenClaims, AuthenticatedUser } from './authenticated-user';
import { isRole, Role } from './roles';

export interface TokenServiceOptions {
  /** Issuer and audience of the tokens: a token of one service is refused by the other, even with a shared secret. */
  service: string;
  ttlSeconds: number;
}

export interface IssuedToken {
  accessToken: string;
  /** Seconds until the token expires. */
  expiresIn: number;
  role: Role;
}

const ALGORITHM = 'HS256';

/** Signs and checks the service's bearer tokens (HS256 JWTs over JWT_SECRET). */
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly options: TokenServiceOptions,
  ) {}

  async issue(user: AuthenticatedUser): Promise<IssuedToken> {
    const { service, ttlSeconds } = this.options;
    const claims: AccessTokenClaims = { sub: user.id, name: user.username, role: user.role };
    const accessToken = await this.jwt.signAsync(claims, { algorithm: ALGORITHM, expiresIn: ttlSeconds, issuer: service, audience: service });
    return { accessToken, expiresIn: ttlSeconds, role: user.role };
  }

  /** The claims of a valid token of this service; an AuthException (401) for anything else. */
  async verify(token: string): Promise<AccessTokenClaims> {
    const { service } = this.options;
    let payload: Partial<Record<keyof AccessTokenClaims, unknown>>;
    try {
      payload = await this.jwt.verifyAsync(token, { algorithms: [ALGORITHM], issuer: service, audience: service });
    } catch (error) {
      if ((error as Error).name === 'TokenExpiredError') {
        throw new AuthException(AuthErrorCode.TokenExpired, 'the bearer token has expired: request a new one at POST /auth/token');
      }
      throw new AuthException(AuthErrorCode.InvalidToken, 'the bearer token is not valid for this service');
    }
    const { sub, name, role } = payload;
    if (typeof sub !== 'string' || typeof name !== 'string' || !isRole(role)) {
      throw new AuthException(AuthErrorCode.InvalidToken, 'the bearer token is not valid for this service');
    }
    return { sub, name, role };
  }
}
