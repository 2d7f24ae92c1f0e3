import { AuditLog } from './audit-log.service';
import { AppUserRecord } from './auth.entities';
import { AuthErrorCode } from './auth.exception';
import { AuthService } from './auth.service';
import { PasswordHasher } from './password-hasher';
import { TokenService } from './token.service';
import { UsersRepository } from './users.repository';

const ana: AppUserRecord = {
  id: '6f1c2a6e-6b2b-4d5e-9a43-0f1b8a9c1d11',
  username: 'Ana',
  passwordHash: 'scrypt$stored',
  role: 'analyst',
  disabled: false,
  createdAt: new Date('2026-11-01T00:00:00Z'),
  updatedAt: new Date('2026-11-01T00:00:00Z'),
};

describe(AuthService.name, () => {
  let users: { findByUsername: jest.Mock; findById: jest.Mock };
  let hasher: { verify: jest.Mock; verifyNothing: jest.Mock };
  let tokens: { issue: jest.Mock; verify: jest.Mock };
  let audit: { record: jest.Mock };
  let sut: AuthService;

  beforeEach(() => {
    users = { findByUsername: jest.fn(), findById: jest.fn() };
    hasher = { verify: jest.fn(), verifyNothing: jest.fn().mockResolvedValue(false) };
    tokens = { issue: jest.fn(), verify: jest.fn() };
    audit = { record: jest.fn().mockResolvedValue(undefined) };
    sut = new AuthService(users as unknown as UsersRepository, hasher as unknown as PasswordHasher, tokens as unknown as TokenService, audit as unknown as AuditLog);
  });

  describe('login', () => {
    it('issues a token for the right password and audits the login', async () => {
      users.findByUsername.mockResolvedValue(ana);
      hasher.verify.mockResolvedValue(true);
      tokens.issue.mockResolvedValue({ accessToken: 't', expiresIn: 3600, role: 'analyst' });

      await expect(sut.login('ana', 'pw')).resolves.toEqual({ accessToken: 't', expiresIn: 3600, role: 'analyst' });

      expect(hasher.verify).toHaveBeenCalledWith('pw', 'scrypt$stored');
      expect(audit.record).toHaveBeenCalledWith(ana, { action: 'auth.login', subjectType: 'user', subjectId: ana.id });
    });

    it.each([
      ['an unknown username', null, false, 'unknown_user', 'anonymous'],
      ['a wrong password', ana, false, 'wrong_password', 'analyst'],
      ['a disabled user', { ...ana, disabled: true }, true, 'disabled', 'analyst'],
    ])('refuses %s with the same generic 401, and audits why', async (_case, user, valid, reason, actorRole) => {
      users.findByUsername.mockResolvedValue(user);
      hasher.verify.mockResolvedValue(valid);

      const act = sut.login('ana', 'pw');

      await expect(act).rejects.toMatchObject({ code: AuthErrorCode.InvalidCredentials, status: 401, message: 'invalid username or password' });
      expect(tokens.issue).not.toHaveBeenCalled();
      expect(audit.record).toHaveBeenCalledWith({ username: 'ana', role: actorRole }, expect.objectContaining({ action: 'auth.login_failed', details: { reason } }));
    });

    it('spends a hash on an unknown username too', async () => {
      users.findByUsername.mockResolvedValue(null);

      await expect(sut.login('nobody', 'pw')).rejects.toMatchObject({ code: AuthErrorCode.InvalidCredentials });

      expect(hasher.verifyNothing).toHaveBeenCalledWith('pw');
    });
  });

  describe('authenticate', () => {
    it('returns the user as stored now, whatever role the token claims', async () => {
      tokens.verify.mockResolvedValue({ sub: ana.id, name: 'Ana', role: 'admin' });
      users.findById.mockResolvedValue(ana);

      await expect(sut.authenticate('t')).resolves.toEqual({ id: ana.id, username: 'Ana', role: 'analyst' });
    });

    it.each([
      ['deleted', null],
      ['disabled', { ...ana, disabled: true }],
    ])('refuses the token of a %s user with 401', async (_case, user) => {
      tokens.verify.mockResolvedValue({ sub: ana.id, name: 'Ana', role: 'analyst' });
      users.findById.mockResolvedValue(user);

      await expect(sut.authenticate('t')).rejects.toMatchObject({ code: AuthErrorCode.UserRevoked, status: 401 });
    });
  });
});
