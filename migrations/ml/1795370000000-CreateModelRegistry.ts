import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The model registry both services serve from: one row per trained model version (its artifact
 * directory under MODELS_DIR, checked against the manifest's sha256), at most one champion and one
 * shadow per model name (partial unique indexes), and an append-only history of registrations and
 * promotions with who made them.
 */
export class CreateModelRegistry1795370000000 implements MigrationInterface {
  name = 'CreateModelRegistry1795370000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE SCHEMA "ml"');
    await queryRunner.query(`CREATE TABLE "ml"."model" (
      "name" text NOT NULL,
      "version" integer NOT NULL,
      "manifest_sha256" char(64) NOT NULL,
      "manifest" jsonb NOT NULL,
      "metrics" jsonb NOT NULL DEFAULT '{}'::jsonb,
      "status" text NOT NULL DEFAULT 'candidate',
      "artifact_dir" text NOT NULL,
      "created_at" timestamptz NOT NULL,
      "registered_at" timestamptz NOT NULL DEFAULT now(),
      "promoted_at" timestamptz,
      CONSTRAINT "PK_ml_model" PRIMARY KEY ("name", "version"),
      CONSTRAINT "CHK_ml_model_name" CHECK ("name" ~ '^[a-z][a-z0-9_-]{0,62}$'),
      CONSTRAINT "CHK_ml_model_version" CHECK ("version" > 0),
      CONSTRAINT "CHK_ml_model_status" CHECK ("status" IN ('candidate', 'champion', 'shadow', 'retired')),
      CONSTRAINT "CHK_ml_model_manifest_sha256" CHECK ("manifest_sha256" ~ '^[0-9a-f]{64}$'),
      CONSTRAINT "CHK_ml_model_artifact_dir" CHECK ("artifact_dir" !~ '(^/|(^|/)\\.\\.(/|$))')
    )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_ml_model_one_champion" ON "ml"."model" ("name") WHERE "status" = 'champion'`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_ml_model_one_shadow" ON "ml"."model" ("name") WHERE "status" = 'shadow'`);

    await queryRunner.query(`CREATE TABLE "ml"."model_event" (
      "id" bigint GENERATED ALWAYS AS IDENTITY,
      "name" text NOT NULL,
      "version" integer NOT NULL,
      "action" text NOT NULL,
      "from_status" text,
      "to_status" text NOT NULL,
      "actor" text NOT NULL,
      "occurred_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_ml_model_event" PRIMARY KEY ("id"),
      CONSTRAINT "FK_ml_model_event_model" FOREIGN KEY ("name", "version") REFERENCES "ml"."model" ("name", "version") ON DELETE RESTRICT,
      CONSTRAINT "CHK_ml_model_event_action" CHECK ("action" IN ('register', 'promote', 'demote'))
    )`);
    await queryRunner.query(`CREATE INDEX "IDX_ml_model_event_model" ON "ml"."model_event" ("name", "version", "occurred_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "ml"."model_event"');
    await queryRunner.query('DROP TABLE "ml"."model"');
    await queryRunner.query('DROP SCHEMA "ml" RESTRICT');
  }
}
