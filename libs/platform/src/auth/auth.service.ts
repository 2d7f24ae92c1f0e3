import { Injectable } from '@nestjs/common';

import { AuditLog } from './audit-log.service';
import { AuthErrorCode, AuthException } from './auth.exception';
import { AuthenticatedUser } from './authenticated-user';
import { PasswordHasher } from './password-hasher';
import { IssuedToken, TokenService } from './token.service';
import { UsersRepository } from './users.repository';

/** Audited as the actor of a failed login (the attempted username, cut to the length a username may have). */
const ANONYMOUS = 'anonymous';
const INVALID_CREDENTIALS = 'invalid username or password';

/** Logins (password for a token) and the authentication of each request's token. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly audit: AuditLog,
  ) {}

  /**
   * A token for valid credentials of an enabled user. Every refusal reads the same and takes as
   * long (an unknown username still costs a hash), so it tells nothing about which part was wrong;
   * the audit log keeps the reason.
   */
  async login(username: string, password: string): Promise<IssuedToken> {
    const user = await this.users.findByUsername(username);
    const valid = user === null ? await this.hasher.verifyNothing(password) : await this.hasher.verify(password, user.passwordHash);
    if (user === null || !valid || user.disabled) {
      const reason = user === null ? 'unknown_user' : !valid ? 'wrong_password' : 'disabled';
      await this.audit.record({ username: username.slice(0, 64), role: user?.role ?? ANONYMOUS }, { action: 'auth.login_failed', subjectType: 'user', subjectId: user?.id, details: { reason } });
      throw new AuthException(AuthErrorCode.InvalidCredentials, INVALID_CREDENTIALS);
    }
    await this.audit.record(user, { action: 'auth.login', subjectType: 'user', subjectId: user.id });
    return this.tokens.issue(user);
  }

  /**
   * The user a bearer token acts for, as stored now: a disabled or deleted user's tokens stop
   * working at once, and a role change applies to the next request.
   */
  async authenticate(token: string): Promise<AuthenticatedUser> {
    const claims = await this.tokens.verify(token);
    const user = await this.users.findById(claims.sub);
    if (user === null || user.disabled) throw new AuthException(AuthErrorCode.UserRevoked, 'the user of this bearer token is disabled or no longer exists');
    return { id: user.id, username: user.username, role: user.role };
  }
}
