import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { decodeCursor, encodeCursor, Page, SqlConditions } from '@vigil/platform';
import { DataSource, EntityManager } from 'typeorm';

import { AlertQueryDto } from './dto/alert-query.dto';
import { CaseQueryDto, CaseStatus, UpdateCaseDto } from './dto/case.dto';
import { Disposition } from './dto/disposition.dto';

export interface AlertSummary {
  id: string;
  txId: string;
  customer: string;
  account: string;
  decision: 'REVIEW' | 'BLOCK';
  score: number;
  status: 'OPEN' | 'CLOSED';
  disposition: Disposition | null;
  caseId: string | null;
  createdAt: string;
}

export interface FlowEdge {
  from: string;
  to: string;
  count: number;
  amountMinor: number;
  lastTs: string;
}

export interface CaseSummary {
  id: string;
  customer: string;
  status: CaseStatus;
  assignee: string | null;
  openAlerts: number;
  createdAt: string;
  updatedAt: string;
}

/** Read and work the analysts' queue (STYLE R2: the service sees this port, not SQL). */
@Injectable()
export class AlertRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Keyset-paginated: by score (highest first) or by creation (newest first), id breaking ties. */
  async list(query: AlertQueryDto): Promise<Page<AlertSummary> | undefined> {
    const sql = new SqlConditions();
    if (query.status) sql.where(`a."status" = ${sql.param(query.status)}`);
    if (query.decision) sql.where(`a."decision" = ${sql.param(query.decision)}`);
    if (query.customer) sql.where(`a."customer" = ${sql.param(query.customer)}`);
    if (query.account) sql.where(`a."account" = ${sql.param(query.account)}`);
    if (query.minScore !== undefined) sql.where(`a."score" >= ${sql.param(query.minScore)}`);
    if (query.from) sql.where(`a."created_at" >= ${sql.param(query.from)}`);
    if (query.to) sql.where(`a."created_at" < ${sql.param(query.to)}`);
    const byScore = query.sort === 'score';
    if (query.cursor) {
      const key = decodeCursor(query.cursor, byScore ? ['string', 'string', 'string'] : ['string', 'string']);
      if (key === undefined) return undefined;
      sql.where(
        byScore
          ? `(a."score" < ${sql.param(key[0])}::numeric OR (a."score" = ${sql.param(key[0])}::numeric AND (a."created_at", a."id") > (${sql.param(key[1])}::timestamptz, ${sql.param(key[2])}::uuid)))`
          : `(a."created_at", a."id") < (${sql.param(key[0])}::timestamptz, ${sql.param(key[1])}::uuid)`,
      );
    }
    const order = byScore ? `a."score" DESC, a."created_at" ASC, a."id" ASC` : `a."created_at" DESC, a."id" DESC`;
    const rows = (await this.db.query(
      `SELECT ${ALERT_COLUMNS} FROM "risk"."alert" a ${sql.clause} ORDER BY ${order} LIMIT ${sql.param(query.limit + 1)}`,
      sql.params,
    )) as AlertRow[];
    const items = rows.slice(0, query.limit).map(toAlert);
    const last = rows.length > query.limit ? rows[query.limit - 1] : undefined;
    const nextCursor =
      last === undefined ? null : byScore ? encodeCursor([last.score, last.created_key, last.id]) : encodeCursor([last.created_key, last.id]);
    return { items, nextCursor };
  }

  async findAlert(id: string): Promise<AlertSummary | undefined> {
    const [row] = (await this.db.query(`SELECT ${ALERT_COLUMNS} FROM "risk"."alert" a WHERE a."id" = $1`, [id])) as AlertRow[];
    return row && toAlert(row);
  }

  /** The alert's transaction and the decision with everything that explains it. */
  async findDecision(txId: string): Promise<DecisionDetail | undefined> {
    const [row] = (await this.db.query(
      `SELECT t."payload", d."decision", d."score", d."rule_set_version", d."thresholds_version", d."rule_hits", d."model", d."top_features", d."features", d."processed_at", d."latency_ms"
         FROM "risk"."transaction" t JOIN "risk"."decision" d USING ("tx_id") WHERE t."tx_id" = $1`,
      [txId],
    )) as DecisionDetailRow[];
    return (
      row && {
        transaction: row.payload,
        decision: {
          decision: row.decision,
          score: Number(row.score),
          ruleSetVersion: row.rule_set_version,
          thresholdsVersion: row.thresholds_version === null ? null : Number(row.thresholds_version),
          rules: row.rule_hits,
          model: row.model,
          topFeatures: row.top_features,
          features: row.features,
          processedAt: row.processed_at.toISOString(),
          latencyMs: Number(row.latency_ms),
        },
      }
    );
  }

  /** The account's latest transactions, both directions, up to `beforeTs`. */
  async accountHistory(account: string, beforeTs: number, limit: number): Promise<unknown[]> {
    const rows = (await this.db.query(
      `SELECT t."payload", d."decision", d."score" FROM "risk"."transaction" t LEFT JOIN "risk"."decision" d USING ("tx_id")
        WHERE (t."originator_account" = $1 OR t."beneficiary_account" = $1) AND t."ts" <= to_timestamp($2 / 1000.0)
        ORDER BY t."ts" DESC, t."ingest_seq" DESC LIMIT $3`,
      [account, beforeTs, limit],
    )) as { payload: object; decision: string | null; score: string | null }[];
    return rows.map((row) => ({ ...row.payload, decision: row.decision, score: row.score === null ? null : Number(row.score) }));
  }

  /** Money flows among the account and its counterparties' counterparties, aggregated per edge. */
  async neighbourhood(account: string, fromTs: number, toTs: number, maxEdges: number): Promise<FlowEdge[]> {
    const rows = (await this.db.query(
      `WITH window_tx AS (
         SELECT "originator_account" AS "src", "beneficiary_account" AS "dst", "amount_minor", "ts" FROM "risk"."transaction"
          WHERE "ts" > to_timestamp($2 / 1000.0) AND "ts" <= to_timestamp($3 / 1000.0)),
       hop1 AS (
         SELECT "dst" AS "account" FROM window_tx WHERE "src" = $1 UNION SELECT "src" FROM window_tx WHERE "dst" = $1),
       nodes AS (SELECT $1::text AS "account" UNION SELECT "account" FROM hop1)
       SELECT "src", "dst", count(*)::int AS "count", sum("amount_minor")::bigint AS "amount_minor", max("ts") AS "last_ts"
         FROM window_tx WHERE "src" IN (SELECT "account" FROM nodes) OR "dst" IN (SELECT "account" FROM nodes)
        GROUP BY "src", "dst" ORDER BY ("src" = $1 OR "dst" = $1) DESC, sum("amount_minor") DESC LIMIT $4`,
      [account, fromTs, toTs, maxEdges],
    )) as { src: string; dst: string; count: number; amount_minor: string; last_ts: Date }[];
    return rows.map((row) => ({ from: row.src, to: row.dst, count: row.count, amountMinor: Number(row.amount_minor), lastTs: row.last_ts.toISOString() }));
  }

  /** FRAUD/LEGIT close the alert, ESCALATE keeps it open; the latest disposition is the label. */
  async dispose(id: string, disposition: Disposition, by: string, run: (manager: EntityManager) => Promise<void>): Promise<AlertSummary | undefined> {
    return this.db.transaction(async (manager) => {
      // TypeORM answers an UPDATE ... RETURNING with [rows, affected].
      const [updated] = (await manager.query(
        `UPDATE "risk"."alert" a SET "disposition" = $2, "disposed_by" = $3, "disposed_at" = now(), "status" = CASE WHEN $2 = 'ESCALATE' THEN 'OPEN' ELSE 'CLOSED' END
          WHERE a."id" = $1 RETURNING ${ALERT_COLUMNS}`,
        [id, disposition, by],
      )) as [AlertRow[], number];
      const alert = updated[0];
      if (alert === undefined) return undefined;
      await manager.query(
        `INSERT INTO "risk"."label" ("tx_id", "label", "source", "created_by") VALUES ($1, $2, 'disposition', $3)
         ON CONFLICT ("tx_id") DO UPDATE SET "label" = EXCLUDED."label", "created_by" = EXCLUDED."created_by", "created_at" = now()`,
        [alert.tx_id, disposition, by],
      );
      await run(manager);
      return toAlert(alert);
    });
  }

  async listCases(query: CaseQueryDto): Promise<Page<CaseSummary> | undefined> {
    const sql = new SqlConditions();
    if (query.status) sql.where(`c."status" = ${sql.param(query.status)}`);
    if (query.customer) sql.where(`c."customer" = ${sql.param(query.customer)}`);
    if (query.assignee) sql.where(`c."assignee" = ${sql.param(query.assignee)}`);
    if (query.cursor) {
      const key = decodeCursor(query.cursor, ['string', 'string']);
      if (key === undefined) return undefined;
      sql.where(`(c."updated_at", c."id") < (${sql.param(key[0])}::timestamptz, ${sql.param(key[1])}::uuid)`);
    }
    const rows = (await this.db.query(
      `SELECT ${CASE_COLUMNS} FROM "risk"."case" c ${sql.clause}
        ORDER BY c."updated_at" DESC, c."id" DESC LIMIT ${sql.param(query.limit + 1)}`,
      sql.params,
    )) as CaseRow[];
    const last = rows.length > query.limit ? rows[query.limit - 1] : undefined;
    return { items: rows.slice(0, query.limit).map(toCase), nextCursor: last ? encodeCursor([last.updated_key, last.id]) : null };
  }

  async findCase(id: string): Promise<CaseSummary | undefined> {
    const [row] = (await this.db.query(`SELECT ${CASE_COLUMNS} FROM "risk"."case" c WHERE c."id" = $1`, [id])) as CaseRow[];
    return row && toCase(row);
  }

  async caseAlerts(caseId: string): Promise<AlertSummary[]> {
    const rows = (await this.db.query(`SELECT ${ALERT_COLUMNS} FROM "risk"."alert" a WHERE a."case_id" = $1 ORDER BY a."created_at", a."id"`, [caseId])) as AlertRow[];
    return rows.map(toAlert);
  }

  async updateCase(id: string, change: UpdateCaseDto, run: (manager: EntityManager) => Promise<void>): Promise<CaseSummary | undefined> {
    return this.db.transaction(async (manager) => {
      const [updated] = (await manager.query(
        `UPDATE "risk"."case" c SET "status" = COALESCE($2, c."status"),
            "assignee" = CASE WHEN $3::boolean THEN $4 ELSE c."assignee" END, "updated_at" = now()
          WHERE c."id" = $1 RETURNING c."id"`,
        [id, change.status ?? null, change.assignee !== undefined, change.assignee ?? null],
      )) as [{ id: string }[], number];
      if (updated.length === 0) return undefined;
      await run(manager);
      const [row] = (await manager.query(`SELECT ${CASE_COLUMNS} FROM "risk"."case" c WHERE c."id" = $1`, [id])) as CaseRow[];
      return toCase(row);
    });
  }
}

export interface DecisionDetail {
  transaction: { ts: number; originator: { account: string }; beneficiary: { account: string } } & Record<string, unknown>;
  decision: Record<string, unknown>;
}

// Cursors carry timestamps to the microsecond, as Postgres keeps them: a JS Date would round them
// to the millisecond and a page would repeat or skip rows written in the same millisecond.
const MICROSECONDS = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
const ALERT_COLUMNS = `a."id", a."tx_id", a."customer", a."account", a."decision", a."score", a."status", a."disposition", a."case_id", a."created_at",
  to_char(a."created_at" AT TIME ZONE 'UTC', ${MICROSECONDS}) AS "created_key"`;
const CASE_COLUMNS = `c."id", c."customer", c."status", c."assignee", c."created_at", c."updated_at",
  to_char(c."updated_at" AT TIME ZONE 'UTC', ${MICROSECONDS}) AS "updated_key",
  (SELECT count(*)::int FROM "risk"."alert" a WHERE a."case_id" = c."id" AND a."status" = 'OPEN') AS "open_alerts"`;

interface AlertRow {
  id: string;
  tx_id: string;
  customer: string;
  account: string;
  decision: 'REVIEW' | 'BLOCK';
  score: string;
  status: 'OPEN' | 'CLOSED';
  disposition: Disposition | null;
  case_id: string | null;
  created_at: Date;
  created_key: string;
}

interface CaseRow {
  id: string;
  customer: string;
  status: CaseStatus;
  assignee: string | null;
  open_alerts: number;
  created_at: Date;
  updated_at: Date;
  updated_key: string;
}

interface DecisionDetailRow {
  payload: DecisionDetail['transaction'];
  decision: string;
  score: string;
  rule_set_version: number;
  thresholds_version: string | null;
  rule_hits: unknown;
  model: unknown;
  top_features: unknown;
  features: unknown;
  processed_at: Date;
  latency_ms: string;
}

function toAlert(row: AlertRow): AlertSummary {
  return {
    id: row.id,
    txId: row.tx_id,
    customer: row.customer,
    account: row.account,
    decision: row.decision,
    score: Number(row.score),
    status: row.status,
    disposition: row.disposition,
    caseId: row.case_id,
    createdAt: row.created_at.toISOString(),
  };
}

function toCase(row: CaseRow): CaseSummary {
  return {
    id: row.id,
    customer: row.customer,
    status: row.status,
    assignee: row.assignee,
    openAlerts: row.open_alerts,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
