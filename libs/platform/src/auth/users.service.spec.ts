import { EntityManager } from 'typeorm';

import { AuditLog } from './audit-log.service';
import { AppUserRecord } from './auth.entities';
import { AuthErrorCode, AuthException } from './auth.exception';
import { PasswordHasher } from './password-hasher';
import { SERVICE_ROLES } from './roles';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

const admin = { username: 'root', role: 'admin' };
const transaction = { id: 'tx' } as unknown as EntityManager;
const bob: AppUserRecord = {
  id: '0e7f4c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6',
  username: 'bob',
  passwordHash: 'scrypt$h',
  role: 'viewer',
  disabled: false,
  createdAt: new Date('2026-11-01T00:00:00Z'),
  updatedAt: new Date('2026-11-01T00:00:00Z'),
};

describe(UsersService.name, () => {
  let users: { create: jest.Mock; update: jest.Mock; list: jest.Mock; transaction: jest.Mock };
  let hasher: { hash: jest.Mock };
  let audit: { record: jest.Mock };
  let sut: UsersService;

  beforeEach(() => {
    users = { create: jest.fn(), update: jest.fn(), list: jest.fn(), transaction: jest.fn((work: (tx: EntityManager) => unknown) => work(transaction)) };
    hasher = { hash: jest.fn().mockResolvedValue('scrypt$new') };
    audit = { record: jest.fn().mockResolvedValue(undefined) };
    sut = new UsersService(users as unknown as UsersRepository, hasher as unknown as PasswordHasher, audit as unknown as AuditLog, {
      service: 'risk-api',
      schema: 'risk',
      roles: SERVICE_ROLES.risk,
    });
  });

  describe('create', () => {
    it('stores a hash, never the password, and audits in the same transaction', async () => {
      users.create.mockResolvedValue(bob);

      await expect(sut.create(admin, { username: 'bob', password: 'a long password', role: 'viewer' })).resolves.toBe(bob);

      expect(users.create).toHaveBeenCalledWith({ username: 'bob', passwordHash: 'scrypt$new', role: 'viewer' }, transaction);
      expect(audit.record).toHaveBeenCalledWith(admin, { action: 'user.create', subjectType: 'user', subjectId: bob.id, details: { username: 'bob', role: 'viewer' } }, transaction);
      expect(JSON.stringify(audit.record.mock.calls)).not.toContain('a long password');
    });

    it("refuses a role the service doesn't have", async () => {
      const act = sut.create(admin, { username: 'bob', password: 'a long password', role: 'engineer' });

      await expect(act).rejects.toMatchObject({ code: AuthErrorCode.RoleNotInService, status: 400 });
      await expect(act).rejects.toThrow('role engineer does not exist in risk-api: use one of viewer, analyst, admin');
      expect(users.create).not.toHaveBeenCalled();
    });

    it('records nothing when the username is taken', async () => {
      users.create.mockRejectedValue(new AuthException(AuthErrorCode.UsernameTaken, 'taken'));

      await expect(sut.create(admin, { username: 'BOB', password: 'a long password', role: 'viewer' })).rejects.toMatchObject({ status: 409 });
      expect(audit.record).not.toHaveBeenCalled();
    });
  });

  describe('update', () => {
    it('changes only what is given, hashing a new password, and audits without it', async () => {
      users.update.mockResolvedValue({ ...bob, role: 'analyst' });

      await expect(sut.update(admin, bob.id, { role: 'analyst', password: 'another long one' })).resolves.toMatchObject({ role: 'analyst' });

      expect(users.update).toHaveBeenCalledWith(bob.id, { role: 'analyst', passwordHash: 'scrypt$new' }, transaction);
      expect(audit.record).toHaveBeenCalledWith(
        admin,
        { action: 'user.update', subjectType: 'user', subjectId: bob.id, details: { username: 'bob', role: 'analyst', disabled: undefined, passwordReset: true } },
        transaction,
      );
      expect(JSON.stringify(audit.record.mock.calls)).not.toContain('another long one');
    });

    it('answers 404 for an unknown user', async () => {
      users.update.mockResolvedValue(null);

      await expect(sut.update(admin, bob.id, { disabled: true })).rejects.toMatchObject({ code: AuthErrorCode.UserNotFound, status: 404 });
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('refuses an empty change', async () => {
      await expect(sut.update(admin, bob.id, {})).rejects.toMatchObject({ code: AuthErrorCode.NothingToChange, status: 400 });
    });
  });

  it('audits who listed the users', async () => {
    users.list.mockResolvedValue([bob]);

    await expect(sut.list(admin)).resolves.toEqual([bob]);
    expect(audit.record).toHaveBeenCalledWith(admin, { action: 'user.list', subjectType: 'user', details: { count: 1 } });
  });
});
