import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RiskDecisionMessage, Transaction } from '@vigil/contracts';
import { DataSource, EntityManager } from 'typeorm';

import { DecidedTransaction } from './decided-transaction';

export interface StoredTransaction {
  transaction: Transaction;
  /** The order transactions were first stored in, across every instance. */
  ingestSeq: number;
}

/**
 * The decision pipeline's storage (STYLE R2: the service sees this port, never the driver).
 * Writes are idempotent on tx_id, and a batch is stored in one transaction, so a crash leaves
 * either all of a batch or none of it.
 */
@Injectable()
export class DecisionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Which of `txIds` are already decided, each with whether Kafka acknowledged its decision. */
  async findDecided(txIds: string[]): Promise<Map<string, { published: boolean }>> {
    if (txIds.length === 0) return new Map();
    const rows = (await this.db.query(`SELECT "tx_id", "published_at" IS NOT NULL AS "published" FROM "risk"."decision" WHERE "tx_id" = ANY($1)`, [txIds])) as {
      tx_id: string;
      published: boolean;
    }[];
    return new Map(rows.map((row) => [row.tx_id, { published: row.published }]));
  }

  /** Decisions stored but not acknowledged by Kafka (a crash or a failed send came between). */
  async findUnpublished(): Promise<RiskDecisionMessage[]> {
    const rows = (await this.db.query(
      `SELECT "tx_id", "decision", "score", "rule_set_version", "thresholds_version", "rule_hits", "model", "top_features", "processed_at", "latency_ms"
         FROM "risk"."decision" WHERE "published_at" IS NULL ORDER BY "processed_at", "tx_id"`,
    )) as DecisionRow[];
    return rows.map(toMessage);
  }

  /**
   * Where a rebuild starts reading: the ingest_seq just before the first transaction stored within
   * `spanMs` (event time) of the latest one, or 0 when nothing is stored. What was stored before it
   * is all older than the span; what comes after is read whole, late arrivals included.
   */
  async historyStart(spanMs: number): Promise<number> {
    const [row] = (await this.db.query(
      `SELECT coalesce(min("ingest_seq") - 1, 0) AS "seq" FROM "risk"."transaction"
        WHERE "ts" > (SELECT max("ts") FROM "risk"."transaction") - make_interval(secs => $1 / 1000.0)`,
      [spanMs],
    )) as { seq: string }[];
    return Number(row.seq);
  }

  /**
   * Up to `limit` transactions stored after `ingestSeq` (by this process or another instance), in
   * that order: one page of a keyset scan, so half a year of history never sits in memory at once.
   */
  async loadSince(ingestSeq: number, limit: number): Promise<StoredTransaction[]> {
    const rows = (await this.db.query(`SELECT "payload", "ingest_seq" FROM "risk"."transaction" WHERE "ingest_seq" > $1 ORDER BY "ingest_seq" LIMIT $2`, [
      ingestSeq,
      limit,
    ])) as { payload: Transaction; ingest_seq: string }[];
    return rows.map((row) => ({ transaction: row.payload, ingestSeq: Number(row.ingest_seq) }));
  }

  async saveBatch(batch: DecidedTransaction[]): Promise<void> {
    if (batch.length === 0) return;
    await this.db.transaction(async (manager) => {
      await insertTransactions(manager, batch);
      await insertDecisions(manager, batch);
      await insertShadowDecisions(manager, batch);
      await insertShadowModelScores(manager, batch);
      await insertAlerts(manager, batch);
    });
  }

  /** Records Kafka's acknowledgement, and per partition where the acknowledged batch began. */
  async markPublished(txIds: string[], watermarks: { partition: number; offset: string }[]): Promise<void> {
    await this.db.transaction(async (manager) => {
      await manager.query(`UPDATE "risk"."decision" SET "published_at" = now() WHERE "tx_id" = ANY($1) AND "published_at" IS NULL`, [txIds]);
      for (const { partition, offset } of watermarks) {
        await manager.query(
          `INSERT INTO "risk"."decision_publish_watermark" ("partition", "offset") VALUES ($1, $2)
           ON CONFLICT ("partition") DO UPDATE SET "offset" = GREATEST("decision_publish_watermark"."offset", EXCLUDED."offset"), "updated_at" = now()`,
          [partition, offset],
        );
      }
    });
  }

  async publishWatermarks(): Promise<Map<number, string>> {
    const rows = (await this.db.query(`SELECT "partition", "offset" FROM "risk"."decision_publish_watermark"`)) as { partition: number; offset: string }[];
    return new Map(rows.map((row) => [row.partition, row.offset]));
  }
}

interface DecisionRow {
  tx_id: string;
  decision: RiskDecisionMessage['decision'];
  score: string;
  rule_set_version: number;
  thresholds_version: string | null;
  rule_hits: RiskDecisionMessage['rules'];
  model: RiskDecisionMessage['model'];
  top_features: RiskDecisionMessage['topFeatures'];
  processed_at: Date;
  latency_ms: string;
}

function toMessage(row: DecisionRow): RiskDecisionMessage {
  return {
    txId: row.tx_id,
    decision: row.decision,
    score: Number(row.score),
    rules: row.rule_hits,
    model: row.model,
    topFeatures: row.top_features,
    ruleSetVersion: row.rule_set_version,
    thresholdsVersion: row.thresholds_version === null ? null : Number(row.thresholds_version),
    processedAt: row.processed_at.toISOString(),
    latencyMs: Number(row.latency_ms),
  };
}

// Each insert takes the whole batch as one JSON parameter: one round trip however large the batch.

async function insertTransactions(manager: EntityManager, batch: DecidedTransaction[]) {
  const rows = batch.map(({ transaction: t, source }) => ({
    tx_id: t.txId,
    ts: new Date(t.ts).toISOString(),
    amount_minor: t.amountMinor,
    currency: t.currency,
    type: t.type,
    channel: t.channel,
    originator_account: t.originator.account,
    originator_customer: t.originator.customer,
    beneficiary_account: t.beneficiary.account,
    beneficiary_customer: t.beneficiary.customer ?? null,
    device_id: t.device?.id ?? null,
    payload: t,
    source_partition: source.partition,
    source_offset: source.offset,
  }));
  await manager.query(
    `INSERT INTO "risk"."transaction" ("tx_id", "ts", "amount_minor", "currency", "type", "channel", "originator_account", "originator_customer",
       "beneficiary_account", "beneficiary_customer", "device_id", "payload", "source_partition", "source_offset")
     SELECT "tx_id", "ts", "amount_minor", "currency", "type", "channel", "originator_account", "originator_customer",
       "beneficiary_account", "beneficiary_customer", "device_id", "payload", "source_partition", "source_offset"
       FROM jsonb_to_recordset($1::jsonb) AS x("tx_id" text, "ts" timestamptz, "amount_minor" bigint, "currency" text, "type" text, "channel" text,
         "originator_account" text, "originator_customer" text, "beneficiary_account" text, "beneficiary_customer" text, "device_id" text,
         "payload" jsonb, "source_partition" integer, "source_offset" bigint)
     ON CONFLICT ("tx_id") DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

async function insertDecisions(manager: EntityManager, batch: DecidedTransaction[]) {
  const rows = batch.map(({ decision: d, features }) => ({
    tx_id: d.txId,
    decision: d.decision,
    score: d.score,
    rule_set_version: d.ruleSetVersion,
    thresholds_version: d.thresholdsVersion,
    rule_hits: d.rules,
    model: d.model,
    top_features: d.topFeatures,
    features,
    latency_ms: d.latencyMs,
    processed_at: d.processedAt,
  }));
  await manager.query(
    `INSERT INTO "risk"."decision" ("tx_id", "decision", "score", "rule_set_version", "thresholds_version", "rule_hits", "model", "top_features", "features", "latency_ms", "processed_at")
     SELECT "tx_id", "decision", "score", "rule_set_version", "thresholds_version", "rule_hits", "model", "top_features", "features", "latency_ms", "processed_at"
       FROM jsonb_to_recordset($1::jsonb) AS x("tx_id" text, "decision" text, "score" numeric, "rule_set_version" integer, "thresholds_version" bigint, "rule_hits" jsonb,
         "model" jsonb, "top_features" jsonb, "features" jsonb, "latency_ms" numeric, "processed_at" timestamptz)
     ON CONFLICT ("tx_id") DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

async function insertShadowDecisions(manager: EntityManager, batch: DecidedTransaction[]) {
  const rows = batch.flatMap(({ decision, shadow }) =>
    shadow.map((s) => ({ tx_id: decision.txId, rule_set_version: s.ruleSetVersion, decision: s.decision, score: s.score, rule_hits: s.rules, processed_at: decision.processedAt })),
  );
  if (rows.length === 0) return;
  await manager.query(
    `INSERT INTO "risk"."shadow_decision" ("tx_id", "rule_set_version", "decision", "score", "rule_hits", "processed_at")
     SELECT "tx_id", "rule_set_version", "decision", "score", "rule_hits", "processed_at"
       FROM jsonb_to_recordset($1::jsonb) AS x("tx_id" text, "rule_set_version" integer, "decision" text, "score" numeric, "rule_hits" jsonb, "processed_at" timestamptz)
     ON CONFLICT ("tx_id", "rule_set_version") DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

async function insertShadowModelScores(manager: EntityManager, batch: DecidedTransaction[]) {
  const rows = batch.flatMap(({ decision, shadowModel: s }) =>
    s ? [{ tx_id: decision.txId, model_name: s.name, model_version: s.version, score: s.score, decision: s.decision, processed_at: decision.processedAt }] : [],
  );
  if (rows.length === 0) return;
  await manager.query(
    `INSERT INTO "risk"."shadow_model_score" ("tx_id", "model_name", "model_version", "score", "decision", "processed_at")
     SELECT "tx_id", "model_name", "model_version", "score", "decision", "processed_at"
       FROM jsonb_to_recordset($1::jsonb) AS x("tx_id" text, "model_name" text, "model_version" integer, "score" double precision, "decision" text, "processed_at" timestamptz)
     ON CONFLICT ("tx_id", "model_name", "model_version") DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

/** REVIEW and BLOCK raise an alert, filed under its customer's open case (opened if there is none). */
async function insertAlerts(manager: EntityManager, batch: DecidedTransaction[]) {
  const rows = batch
    .filter(({ decision }) => decision.decision !== 'ALLOW')
    .map(({ transaction: t, decision: d }) => ({ tx_id: t.txId, customer: t.originator.customer, account: t.originator.account, decision: d.decision, score: d.score }));
  if (rows.length === 0) return;
  const alerts = JSON.stringify(rows);
  await manager.query(
    `INSERT INTO "risk"."case" ("customer")
     SELECT DISTINCT "customer" FROM jsonb_to_recordset($1::jsonb) AS x("customer" text)
     ON CONFLICT ("customer") WHERE "status" <> 'CLOSED' DO NOTHING`,
    [alerts],
  );
  await manager.query(
    `INSERT INTO "risk"."alert" ("tx_id", "customer", "account", "decision", "score", "case_id")
     SELECT x."tx_id", x."customer", x."account", x."decision", x."score", c."id"
       FROM jsonb_to_recordset($1::jsonb) AS x("tx_id" text, "customer" text, "account" text, "decision" text, "score" numeric)
       JOIN "risk"."case" c ON c."customer" = x."customer" AND c."status" <> 'CLOSED'
     ON CONFLICT ("tx_id") DO NOTHING`,
    [alerts],
  );
}
