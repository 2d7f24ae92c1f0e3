import { randomUUID } from 'node:crypto';

import { DataSource, EntityManager, EntitySchema, QueryFailedError, Repository } from 'typeorm';

import { AppUserRecord } from './auth.entities';
import { AuthErrorCode, AuthException } from './auth.exception';
import { Role } from './roles';

export interface NewUser {
  username: string;
  passwordHash: string;
  role: Role;
}

export type UserChanges = Partial<Pick<AppUserRecord, 'role' | 'disabled' | 'passwordHash'>>;

const UNIQUE_VIOLATION = '23505';

/** The port over `<schema>.app_user`. Writes take the caller's transaction, so the audit entry commits with them. */
export class UsersRepository {
  private readonly users: Repository<AppUserRecord>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly entity: EntitySchema<AppUserRecord>,
  ) {
    this.users = dataSource.getRepository(entity);
  }

  findById(id: string): Promise<AppUserRecord | null> {
    return this.users.findOneBy({ id });
  }

  /** Case-insensitive, as the unique index is. */
  findByUsername(username: string): Promise<AppUserRecord | null> {
    return this.users.createQueryBuilder('u').where('lower(u.username) = lower(:username)', { username }).getOne();
  }

  list(): Promise<AppUserRecord[]> {
    return this.users.createQueryBuilder('u').orderBy('lower(u.username)').addOrderBy('u.id').getMany();
  }

  hasActiveAdmin(): Promise<boolean> {
    return this.users.existsBy({ role: 'admin', disabled: false });
  }

  /** Refuses (409 USERNAME_TAKEN) a username another user has, in any case. */
  async create(user: NewUser, transaction: EntityManager): Promise<AppUserRecord> {
    const users = transaction.getRepository(this.entity);
    const id = randomUUID();
    try {
      await users.insert({ id, ...user });
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new AuthException(AuthErrorCode.UsernameTaken, `a user named ${user.username} already exists`);
      }
      throw error;
    }
    return users.findOneByOrFail({ id });
  }

  /**
   * Applies `changes` unless they would take away the last enabled admin (409 LAST_ADMIN). The
   * enabled admins are locked first, so two admins demoting each other at once cannot both
   * succeed. Null when there is no such user.
   */
  async update(id: string, changes: UserChanges, transaction: EntityManager): Promise<AppUserRecord | null> {
    const users = transaction.getRepository(this.entity);
    const admins = await users
      .createQueryBuilder('u')
      .select('u.id', 'id')
      .where(`u.role = 'admin' AND NOT u.disabled`)
      .orderBy('u.id')
      .setLock('pessimistic_write')
      .getRawMany<{ id: string }>();
    const current = await users.createQueryBuilder('u').where('u.id = :id', { id }).setLock('pessimistic_write').getOne();
    if (current === null) return null;
    const after = { ...current, ...changes };
    const remaining = admins.filter((admin) => admin.id !== id).length + (after.role === 'admin' && !after.disabled ? 1 : 0);
    if (admins.length > 0 && remaining === 0) {
      throw new AuthException(AuthErrorCode.LastAdmin, 'this change would leave no enabled admin: make another user admin first');
    }
    await users.update({ id }, { ...changes, updatedAt: () => 'now()' });
    return users.findOneByOrFail({ id });
  }

  /** Runs `work` in one transaction. */
  transaction<T>(work: (transaction: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
