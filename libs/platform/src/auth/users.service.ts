import { Inject, Injectable } from '@nestjs/common';

import { AuditActor, AuditLog } from './audit-log.service';
import { AppUserRecord } from './auth.entities';
import { AuthErrorCode, AuthException } from './auth.exception';
import { AUTH_OPTIONS, AuthOptions } from './auth.options';
import { PasswordHasher } from './password-hasher';
import { Role } from './roles';
import { UserChanges, UsersRepository } from './users.repository';

export interface CreateUserCommand {
  username: string;
  password: string;
  role: Role;
}

export interface UpdateUserCommand {
  role?: Role;
  disabled?: boolean;
  /** A new password (a reset by an admin). */
  password?: string;
}

/** User administration: every change is audited in the transaction that makes it. */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  async create(actor: AuditActor, command: CreateUserCommand): Promise<AppUserRecord> {
    this.assertServiceRole(command.role);
    const passwordHash = await this.hasher.hash(command.password);
    return this.users.transaction(async (transaction) => {
      const user = await this.users.create({ username: command.username, passwordHash, role: command.role }, transaction);
      await this.audit.record(actor, { action: 'user.create', subjectType: 'user', subjectId: user.id, details: { username: user.username, role: user.role } }, transaction);
      return user;
    });
  }

  async list(actor: AuditActor): Promise<AppUserRecord[]> {
    const users = await this.users.list();
    await this.audit.record(actor, { action: 'user.list', subjectType: 'user', details: { count: users.length } });
    return users;
  }

  async update(actor: AuditActor, id: string, command: UpdateUserCommand): Promise<AppUserRecord> {
    if (command.role === undefined && command.disabled === undefined && command.password === undefined) {
      throw new AuthException(AuthErrorCode.NothingToChange, 'give at least one of role, disabled, password');
    }
    if (command.role !== undefined) this.assertServiceRole(command.role);
    const changes: UserChanges = { role: command.role, disabled: command.disabled };
    if (command.password !== undefined) changes.passwordHash = await this.hasher.hash(command.password);
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as UserChanges;
    return this.users.transaction(async (transaction) => {
      const user = await this.users.update(id, defined, transaction);
      if (user === null) throw new AuthException(AuthErrorCode.UserNotFound, `no user ${id}`);
      const details = { username: user.username, role: command.role, disabled: command.disabled, passwordReset: command.password !== undefined };
      await this.audit.record(actor, { action: 'user.update', subjectType: 'user', subjectId: id, details }, transaction);
      return user;
    });
  }

  private assertServiceRole(role: Role) {
    if (!this.options.roles.includes(role)) {
      throw new AuthException(AuthErrorCode.RoleNotInService, `role ${role} does not exist in ${this.options.service}: use one of ${this.options.roles.join(', ')}`);
    }
  }
}
