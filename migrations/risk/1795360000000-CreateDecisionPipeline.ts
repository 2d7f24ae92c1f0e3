import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the decision pipeline stores: every accepted transaction (idempotent on tx_id), its
 * decision with the feature vector and rule hits, shadow decisions of draft rule sets, the
 * versioned rule sets themselves, and the analysts' alerts, cases and labels.
 */
export class CreateDecisionPipeline1795360000000 implements MigrationInterface {
  name = 'CreateDecisionPipeline1795360000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "risk"."transaction" (
      "tx_id" text NOT NULL,
      "ingest_seq" bigint GENERATED ALWAYS AS IDENTITY,
      "ts" timestamptz NOT NULL,
      "amount_minor" bigint NOT NULL,
      "currency" char(3) NOT NULL,
      "type" text NOT NULL,
      "channel" text NOT NULL,
      "originator_account" text NOT NULL,
      "originator_customer" text NOT NULL,
      "beneficiary_account" text NOT NULL,
      "beneficiary_customer" text,
      "device_id" text,
      "payload" jsonb NOT NULL,
      "source_partition" integer NOT NULL,
      "source_offset" bigint NOT NULL,
      "received_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_risk_transaction" PRIMARY KEY ("tx_id"),
      CONSTRAINT "UQ_risk_transaction_ingest_seq" UNIQUE ("ingest_seq"),
      CONSTRAINT "CHK_risk_transaction_amount" CHECK ("amount_minor" > 0)
    )`);
    await queryRunner.query(`CREATE INDEX "IDX_risk_transaction_originator_ts" ON "risk"."transaction" ("originator_account", "ts")`);
    await queryRunner.query(`CREATE INDEX "IDX_risk_transaction_beneficiary_ts" ON "risk"."transaction" ("beneficiary_account", "ts")`);
    await queryRunner.query(`CREATE INDEX "IDX_risk_transaction_ts" ON "risk"."transaction" ("ts")`);

    await queryRunner.query(`CREATE TABLE "risk"."rule_set" (
      "version" integer NOT NULL,
      "status" text NOT NULL,
      "shadow" boolean NOT NULL DEFAULT false,
      "definition" jsonb NOT NULL,
      "created_by" text NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "activated_at" timestamptz,
      CONSTRAINT "PK_risk_rule_set" PRIMARY KEY ("version"),
      CONSTRAINT "CHK_risk_rule_set_status" CHECK ("status" IN ('draft', 'active', 'retired')),
      CONSTRAINT "CHK_risk_rule_set_shadow_is_draft" CHECK (NOT "shadow" OR "status" = 'draft')
    )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_risk_rule_set_one_active" ON "risk"."rule_set" ("status") WHERE "status" = 'active'`);

    await queryRunner.query(`CREATE TABLE "risk"."decision" (
      "tx_id" text NOT NULL,
      "decision" text NOT NULL,
      "score" numeric(6,5) NOT NULL,
      "rule_set_version" integer NOT NULL,
      "rule_hits" jsonb NOT NULL,
      "model" jsonb,
      "top_features" jsonb NOT NULL,
      "features" jsonb NOT NULL,
      "latency_ms" numeric(10,3) NOT NULL,
      "processed_at" timestamptz NOT NULL,
      "published_at" timestamptz,
      CONSTRAINT "PK_risk_decision" PRIMARY KEY ("tx_id"),
      CONSTRAINT "FK_risk_decision_transaction" FOREIGN KEY ("tx_id") REFERENCES "risk"."transaction" ("tx_id") ON DELETE CASCADE,
      CONSTRAINT "FK_risk_decision_rule_set" FOREIGN KEY ("rule_set_version") REFERENCES "risk"."rule_set" ("version") ON DELETE RESTRICT,
      CONSTRAINT "CHK_risk_decision_decision" CHECK ("decision" IN ('ALLOW', 'REVIEW', 'BLOCK')),
      CONSTRAINT "CHK_risk_decision_score" CHECK ("score" BETWEEN 0 AND 1)
    )`);
    // The outbox: decisions stored but not yet acknowledged by Kafka ...
    await queryRunner.query(`CREATE INDEX "IDX_risk_decision_unpublished" ON "risk"."decision" ("processed_at") WHERE "published_at" IS NULL`);
    // ... and, per partition of risk.decisions, an offset at or before anything not yet acknowledged,
    // from where a restart looks for decisions that reached Kafka before the crash let us record it.
    await queryRunner.query(`CREATE TABLE "risk"."decision_publish_watermark" (
      "partition" integer NOT NULL,
      "offset" bigint NOT NULL,
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_risk_decision_publish_watermark" PRIMARY KEY ("partition")
    )`);

    await queryRunner.query(`CREATE TABLE "risk"."shadow_decision" (
      "tx_id" text NOT NULL,
      "rule_set_version" integer NOT NULL,
      "decision" text NOT NULL,
      "score" numeric(6,5) NOT NULL,
      "rule_hits" jsonb NOT NULL,
      "processed_at" timestamptz NOT NULL,
      CONSTRAINT "PK_risk_shadow_decision" PRIMARY KEY ("tx_id", "rule_set_version"),
      CONSTRAINT "FK_risk_shadow_decision_transaction" FOREIGN KEY ("tx_id") REFERENCES "risk"."transaction" ("tx_id") ON DELETE CASCADE,
      CONSTRAINT "FK_risk_shadow_decision_rule_set" FOREIGN KEY ("rule_set_version") REFERENCES "risk"."rule_set" ("version") ON DELETE CASCADE,
      CONSTRAINT "CHK_risk_shadow_decision_decision" CHECK ("decision" IN ('ALLOW', 'REVIEW', 'BLOCK'))
    )`);

    await queryRunner.query(`CREATE TABLE "risk"."case" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "customer" text NOT NULL,
      "status" text NOT NULL DEFAULT 'OPEN',
      "assignee" text,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_risk_case" PRIMARY KEY ("id"),
      CONSTRAINT "CHK_risk_case_status" CHECK ("status" IN ('OPEN', 'IN_PROGRESS', 'CLOSED'))
    )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_risk_case_open_per_customer" ON "risk"."case" ("customer") WHERE "status" <> 'CLOSED'`);

    await queryRunner.query(`CREATE TABLE "risk"."alert" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "tx_id" text NOT NULL,
      "customer" text NOT NULL,
      "account" text NOT NULL,
      "decision" text NOT NULL,
      "score" numeric(6,5) NOT NULL,
      "status" text NOT NULL DEFAULT 'OPEN',
      "disposition" text,
      "disposed_by" text,
      "disposed_at" timestamptz,
      "case_id" uuid,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_risk_alert" PRIMARY KEY ("id"),
      CONSTRAINT "UQ_risk_alert_tx_id" UNIQUE ("tx_id"),
      CONSTRAINT "FK_risk_alert_decision" FOREIGN KEY ("tx_id") REFERENCES "risk"."decision" ("tx_id") ON DELETE CASCADE,
      CONSTRAINT "FK_risk_alert_case" FOREIGN KEY ("case_id") REFERENCES "risk"."case" ("id") ON DELETE SET NULL,
      CONSTRAINT "CHK_risk_alert_decision" CHECK ("decision" IN ('REVIEW', 'BLOCK')),
      CONSTRAINT "CHK_risk_alert_status" CHECK ("status" IN ('OPEN', 'CLOSED')),
      CONSTRAINT "CHK_risk_alert_disposition" CHECK ("disposition" IS NULL OR "disposition" IN ('FRAUD', 'LEGIT', 'ESCALATE'))
    )`);
    await queryRunner.query(`CREATE INDEX "IDX_risk_alert_queue" ON "risk"."alert" ("status", "score" DESC, "created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "IDX_risk_alert_customer" ON "risk"."alert" ("customer", "created_at")`);

    // Dispositions become training labels; a later disposition of the same alert supersedes.
    await queryRunner.query(`CREATE TABLE "risk"."label" (
      "tx_id" text NOT NULL,
      "label" text NOT NULL,
      "source" text NOT NULL,
      "created_by" text NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_risk_label" PRIMARY KEY ("tx_id"),
      CONSTRAINT "FK_risk_label_transaction" FOREIGN KEY ("tx_id") REFERENCES "risk"."transaction" ("tx_id") ON DELETE CASCADE,
      CONSTRAINT "CHK_risk_label_label" CHECK ("label" IN ('FRAUD', 'LEGIT', 'ESCALATE'))
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['label', 'alert', 'case', 'shadow_decision', 'decision_publish_watermark', 'decision', 'rule_set', 'transaction']) {
      await queryRunner.query(`DROP TABLE "risk"."${table}"`);
    }
  }
}
