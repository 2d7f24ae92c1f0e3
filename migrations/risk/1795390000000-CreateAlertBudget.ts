import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The alert budget: the share an admin set (one row; none means the service's ALERT_BUDGET), and
 * every version of the operating thresholds estimated from the live scores, per model, with the
 * window's state so a restart continues from the latest. Each decision stamps the version it used.
 */
export class CreateAlertBudget1795390000000 implements MigrationInterface {
  name = 'CreateAlertBudget1795390000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "risk"."alert_budget" (
      "id" boolean NOT NULL DEFAULT true,
      "share" numeric(7,6) NOT NULL,
      "updated_by" text NOT NULL,
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_risk_alert_budget" PRIMARY KEY ("id"),
      CONSTRAINT "CHK_risk_alert_budget_one_row" CHECK ("id"),
      CONSTRAINT "CHK_risk_alert_budget_share" CHECK ("share" > 0 AND "share" < 1)
    )`);

    // Versions come from one sequence, so they increase across models and instances.
    await queryRunner.query(`CREATE SEQUENCE "risk"."alert_thresholds_version_seq" AS bigint`);
    await queryRunner.query(`CREATE TABLE "risk"."alert_thresholds" (
      "version" bigint NOT NULL,
      "model_name" text NOT NULL,
      "model_version" integer NOT NULL,
      "share" numeric(7,6) NOT NULL,
      "block_share" numeric(7,6) NOT NULL,
      "segment_by" text NOT NULL,
      "thresholds" jsonb NOT NULL,
      "samples" jsonb NOT NULL,
      "state" jsonb,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_risk_alert_thresholds" PRIMARY KEY ("version"),
      CONSTRAINT "CHK_risk_alert_thresholds_segment_by" CHECK ("segment_by" IN ('none', 'channel', 'type')),
      CONSTRAINT "CHK_risk_alert_thresholds_share" CHECK ("share" > 0 AND "share" < 1 AND "block_share" > 0 AND "block_share" <= 1)
    )`);
    await queryRunner.query(`ALTER SEQUENCE "risk"."alert_thresholds_version_seq" OWNED BY "risk"."alert_thresholds"."version"`);
    // A restart restores the model's latest version that still holds its state (older ones are cleared).
    await queryRunner.query(`CREATE INDEX "IDX_risk_alert_thresholds_model" ON "risk"."alert_thresholds" ("model_name", "model_version", "version")`);

    await queryRunner.query(`ALTER TABLE "risk"."decision" ADD COLUMN "thresholds_version" bigint`);
    await queryRunner.query(
      `ALTER TABLE "risk"."decision" ADD CONSTRAINT "FK_risk_decision_thresholds" FOREIGN KEY ("thresholds_version") REFERENCES "risk"."alert_thresholds" ("version") ON DELETE RESTRICT`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "risk"."decision" DROP COLUMN "thresholds_version"`);
    await queryRunner.query(`DROP TABLE "risk"."alert_thresholds"`);
    await queryRunner.query(`DROP TABLE "risk"."alert_budget"`);
  }
}
