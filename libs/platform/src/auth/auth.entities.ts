import { EntitySchema } from 'typeorm';

import { AuthSchema, Role, SERVICE_ROLES } from './roles';

/** A row of `<schema>.app_user` (migrations/shared/v1-app-user.ts). */
export interface AppUserRecord {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** A row of `<schema>.audit_log` (migrations/shared/v1-audit-log.ts): append-only, a trigger refuses the rest. */
export interface AuditLogRecord {
  id: string;
  occurredAt: Date;
  actor: string;
  actorRole: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  details: Record<string, unknown>;
  correlationId: string | null;
}

export interface AuthEntities {
  user: EntitySchema<AppUserRecord>;
  audit: EntitySchema<AuditLogRecord>;
}

/**
 * The users and audit tables of one service schema. EntitySchema rather than decorated classes:
 * a decorator fixes the schema when the class is defined, and the same platform code serves
 * `risk` and `defect`. One instance per schema, so TypeORM finds its metadata by identity.
 * Names, types and constraints mirror the migrations, which alone change the database.
 */
export function authEntities(schema: AuthSchema): AuthEntities {
  return (cache[schema] ??= build(schema));
}

const cache: Partial<Record<AuthSchema, AuthEntities>> = {};

function build(schema: AuthSchema): AuthEntities {
  const roles = SERVICE_ROLES[schema].map((role) => `'${role}'`).join(', ');
  const user = new EntitySchema<AppUserRecord>({
    name: `${schema}.app_user`,
    schema,
    tableName: 'app_user',
    columns: {
      id: { name: 'id', type: 'uuid', primary: true, primaryKeyConstraintName: `PK_${schema}_app_user`, default: () => 'gen_random_uuid()' },
      username: { name: 'username', type: 'text' },
      passwordHash: { name: 'password_hash', type: 'text' },
      role: { name: 'role', type: 'text' },
      disabled: { name: 'disabled', type: 'boolean', default: false },
      createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'now()' },
      updatedAt: { name: 'updated_at', type: 'timestamptz', default: () => 'now()' },
    },
    checks: [
      { name: `CHK_${schema}_app_user_role`, expression: `"role" IN (${roles})` },
      { name: `CHK_${schema}_app_user_username`, expression: `"username" ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$'` },
      { name: `CHK_${schema}_app_user_password_hash`, expression: `"password_hash" LIKE 'scrypt$%'` },
    ],
    // Unique on lower(username): an expression index, which entity metadata cannot state; the migration creates it.
    indices: [{ name: `UQ_${schema}_app_user_username`, columns: ['username'], unique: true, synchronize: false }],
  });
  const audit = new EntitySchema<AuditLogRecord>({
    name: `${schema}.audit_log`,
    schema,
    tableName: 'audit_log',
    columns: {
      id: { name: 'id', type: 'uuid', primary: true, primaryKeyConstraintName: `PK_${schema}_audit_log`, default: () => 'gen_random_uuid()' },
      occurredAt: { name: 'occurred_at', type: 'timestamptz', default: () => 'now()' },
      actor: { name: 'actor', type: 'text' },
      actorRole: { name: 'actor_role', type: 'text' },
      action: { name: 'action', type: 'text' },
      subjectType: { name: 'subject_type', type: 'text' },
      subjectId: { name: 'subject_id', type: 'text', nullable: true },
      details: { name: 'details', type: 'jsonb', default: () => `'{}'::jsonb` },
      correlationId: { name: 'correlation_id', type: 'text', nullable: true },
    },
    indices: [
      { name: `IDX_${schema}_audit_log_occurred_at`, columns: ['occurredAt'] },
      { name: `IDX_${schema}_audit_log_subject`, columns: ['subjectType', 'subjectId', 'occurredAt'] },
    ],
  });
  return { user, audit };
}
