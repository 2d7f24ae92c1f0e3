/**
 * Version 1 of the append-only audit log, created identically in each service schema. Frozen:
 * migrations that already ran depend on this exact SQL, so a change is a new file and migration.
 */
export function createAuditLogV1(schema: string): string[] {
  return [
    `CREATE TABLE "${schema}"."audit_log" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "occurred_at" timestamptz NOT NULL DEFAULT now(),
      "actor" text NOT NULL,
      "actor_role" text NOT NULL,
      "action" text NOT NULL,
      "subject_type" text NOT NULL,
      "subject_id" text,
      "details" jsonb NOT NULL DEFAULT '{}'::jsonb,
      "correlation_id" text,
      CONSTRAINT "PK_${schema}_audit_log" PRIMARY KEY ("id")
    )`,
    `CREATE INDEX "IDX_${schema}_audit_log_occurred_at" ON "${schema}"."audit_log" ("occurred_at")`,
    `CREATE INDEX "IDX_${schema}_audit_log_subject" ON "${schema}"."audit_log" ("subject_type", "subject_id", "occurred_at")`,
    `CREATE FUNCTION "${schema}"."audit_log_reject_change"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
    $$`,
    `CREATE TRIGGER "TRG_${schema}_audit_log_no_update_delete" BEFORE UPDATE OR DELETE ON "${schema}"."audit_log"
      FOR EACH ROW EXECUTE FUNCTION "${schema}"."audit_log_reject_change"()`,
    `CREATE TRIGGER "TRG_${schema}_audit_log_no_truncate" BEFORE TRUNCATE ON "${schema}"."audit_log"
      FOR EACH STATEMENT EXECUTE FUNCTION "${schema}"."audit_log_reject_change"()`,
  ];
}

export function dropAuditLogV1(schema: string): string[] {
  return [`DROP TABLE "${schema}"."audit_log"`, `DROP FUNCTION "${schema}"."audit_log_reject_change"()`];
}
