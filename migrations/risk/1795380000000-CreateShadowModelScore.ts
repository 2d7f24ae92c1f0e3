import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the shadow model scored for each decided transaction, beside the champion's score in
 * `risk.decision.model`, so a challenger is compared on the very traffic the champion decided.
 */
export class CreateShadowModelScore1795380000000 implements MigrationInterface {
  name = 'CreateShadowModelScore1795380000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "risk"."shadow_model_score" (
      "tx_id" text NOT NULL,
      "model_name" text NOT NULL,
      "model_version" integer NOT NULL,
      "score" double precision NOT NULL,
      "decision" text NOT NULL,
      "processed_at" timestamptz NOT NULL,
      CONSTRAINT "PK_risk_shadow_model_score" PRIMARY KEY ("tx_id", "model_name", "model_version"),
      CONSTRAINT "FK_risk_shadow_model_score_decision" FOREIGN KEY ("tx_id") REFERENCES "risk"."decision" ("tx_id") ON DELETE CASCADE,
      CONSTRAINT "CHK_risk_shadow_model_score_score" CHECK ("score" >= 0 AND "score" <= 1)
    )`);
    await queryRunner.query(`CREATE INDEX "IDX_risk_shadow_model_score_version" ON "risk"."shadow_model_score" ("model_name", "model_version", "processed_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "risk"."shadow_model_score"`);
  }
}
