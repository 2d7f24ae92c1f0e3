/**
 * Version 1 of the users who may call a service, created in each service schema with that
 * schema's roles. Frozen: migrations that already ran depend on this exact SQL, so a change is a
 * new file and migration. Usernames are unique regardless of case (an expression index on
 * lower(username), so no extension is needed); passwords are scrypt hashes with their parameters
 * (libs/platform/src/auth/password-hasher.ts).
 */
export function createAppUserV1(schema: string, roles: readonly string[]): string[] {
  return [
    `CREATE TABLE "${schema}"."app_user" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "username" text NOT NULL,
      "password_hash" text NOT NULL,
      "role" text NOT NULL,
      "disabled" boolean NOT NULL DEFAULT false,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_${schema}_app_user" PRIMARY KEY ("id"),
      CONSTRAINT "CHK_${schema}_app_user_role" CHECK ("role" IN (${roles.map((role) => `'${role}'`).join(', ')})),
      CONSTRAINT "CHK_${schema}_app_user_username" CHECK ("username" ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$'),
      CONSTRAINT "CHK_${schema}_app_user_password_hash" CHECK ("password_hash" LIKE 'scrypt$%')
    )`,
    `CREATE UNIQUE INDEX "UQ_${schema}_app_user_username" ON "${schema}"."app_user" (lower("username"))`,
  ];
}

export function dropAppUserV1(schema: string): string[] {
  return [`DROP TABLE "${schema}"."app_user"`];
}
