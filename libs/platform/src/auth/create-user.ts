import { userInfo } from 'node:os';

import { DataSource } from 'typeorm';

import { AuditLog } from './audit-log.service';
import { AuditRepository } from './audit.repository';
import { AppUserRecord, authEntities } from './auth.entities';
import { PasswordHasher } from './password-hasher';
import { AuthSchema, Role, SERVICE_ROLES } from './roles';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** The services and the schema each keeps its users in. */
export const SERVICE_SCHEMAS = { 'risk-api': 'risk', 'defect-inspector': 'defect' } as const satisfies Record<string, AuthSchema>;
export type ServiceName = keyof typeof SERVICE_SCHEMAS;

export interface CreateUserRequest {
  databaseUrl: string;
  service: ServiceName;
  username: string;
  password: string;
  role: Role;
  /** Create nothing when the service already has an enabled admin (seeding a first admin). */
  ifNoAdmin?: boolean;
  hasher?: PasswordHasher;
}

export type CreateUserOutcome = { created: true; user: AppUserRecord } | { created: false; reason: 'admin_exists' };

/**
 * Creates a user straight in the database, outside any running service: the first admin of a
 * fresh deployment. Audited like an admin's `POST /users`, with actor `cli:<os user>` and role `system`.
 */
export async function createUser(request: CreateUserRequest): Promise<CreateUserOutcome> {
  const schema = SERVICE_SCHEMAS[request.service];
  const entities = authEntities(schema);
  const dataSource = await new DataSource({ type: 'postgres', url: request.databaseUrl, entities: [entities.user, entities.audit], applicationName: 'vigil-create-user' }).initialize();
  try {
    const usersRepository = new UsersRepository(dataSource, entities.user);
    if (request.ifNoAdmin === true && (await usersRepository.hasActiveAdmin())) return { created: false, reason: 'admin_exists' };
    const users = new UsersService(usersRepository, request.hasher ?? new PasswordHasher(), new AuditLog(new AuditRepository(dataSource, entities.audit)), {
      service: request.service,
      schema,
      roles: SERVICE_ROLES[schema],
    });
    const user = await users.create({ username: `cli:${osUser()}`, role: 'system' }, { username: request.username, password: request.password, role: request.role });
    return { created: true, user };
  } finally {
    await dataSource.destroy();
  }
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
