import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { ComparisonCounts } from './model-comparison';

export interface ComparisonQuery {
  readonly model: string;
  readonly champion: number;
  readonly challenger: number;
  readonly from: string | null;
  readonly to: string | null;
  readonly budget: number;
  readonly championReview: number;
  readonly challengerReview: number;
}

/**
 * The champion/challenger counts, aggregated where the scores are (STYLE R2: the service sees this
 * port). Pairs are the transactions the given champion decided and the challenger scored in
 * shadow. Each model's threshold at the budget is core-ml's thresholdAtAlertRate in SQL: the lowest
 * score whose count of scores at or above it (ties included) stays within floor(budget × n), so a
 * tie at the boundary is left out whole and the share never exceeds the budget.
 */
@Injectable()
export class ModelComparisonRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async counts(q: ComparisonQuery): Promise<ComparisonCounts> {
    const [row] = (await this.db.query(
      `WITH "pairs" AS (
         SELECT (d."model" ->> 'score')::float8 AS "a", s."score" AS "b", l."label"
           FROM "risk"."shadow_model_score" s
           JOIN "risk"."decision" d ON d."tx_id" = s."tx_id"
           LEFT JOIN "risk"."label" l ON l."tx_id" = s."tx_id"
          WHERE s."model_name" = $1 AND s."model_version" = $2
            AND d."model" ->> 'name' = $1 AND d."model" ->> 'version' = $3::text
            AND ($4::timestamptz IS NULL OR s."processed_at" >= $4::timestamptz)
            AND ($5::timestamptz IS NULL OR s."processed_at" < $5::timestamptz)),
       "ranked" AS (
         SELECT count(*) OVER (ORDER BY "a" DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "a_at",
                count(*) OVER (ORDER BY "b" DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "b_at",
                count(*) OVER () AS "n", "a", "b"
           FROM "pairs"),
       "thresholds" AS (
         SELECT min("a") FILTER (WHERE "a_at" <= floor($6::float8 * "n")) AS "ta",
                min("b") FILTER (WHERE "b_at" <= floor($6::float8 * "n")) AS "tb"
           FROM "ranked"),
       "flags" AS (
         SELECT p."label", p."a" >= coalesce(t."ta", 'Infinity') AS "fa", p."b" >= coalesce(t."tb", 'Infinity') AS "fb",
                p."a" >= $7::float8 AS "sa", p."b" >= $8::float8 AS "sb"
           FROM "pairs" p CROSS JOIN "thresholds" t)
       SELECT count(*)::int AS "scored",
              (SELECT "ta" FROM "thresholds") AS "champion_threshold",
              (SELECT "tb" FROM "thresholds") AS "challenger_threshold",
              count(*) FILTER (WHERE "fa" AND "fb")::int AS "both",
              count(*) FILTER (WHERE "fa" AND NOT "fb")::int AS "champion_only",
              count(*) FILTER (WHERE "fb" AND NOT "fa")::int AS "challenger_only",
              count(*) FILTER (WHERE "sa")::int AS "champion_served",
              count(*) FILTER (WHERE "sb")::int AS "challenger_served",
              count(*) FILTER (WHERE "label" = 'FRAUD')::int AS "fraud",
              count(*) FILTER (WHERE "label" = 'LEGIT')::int AS "legit",
              count(*) FILTER (WHERE "fa" AND "label" = 'FRAUD')::int AS "champion_fraud_alerts",
              count(*) FILTER (WHERE "fa" AND "label" = 'LEGIT')::int AS "champion_legit_alerts",
              count(*) FILTER (WHERE "fb" AND "label" = 'FRAUD')::int AS "challenger_fraud_alerts",
              count(*) FILTER (WHERE "fb" AND "label" = 'LEGIT')::int AS "challenger_legit_alerts"
         FROM "flags"`,
      [q.model, q.challenger, q.champion, q.from, q.to, q.budget, q.championReview, q.challengerReview],
    )) as CountsRow[];
    return {
      scored: row.scored,
      championThreshold: row.champion_threshold,
      challengerThreshold: row.challenger_threshold,
      both: row.both,
      championOnly: row.champion_only,
      challengerOnly: row.challenger_only,
      championServed: row.champion_served,
      challengerServed: row.challenger_served,
      fraud: row.fraud,
      legit: row.legit,
      championFraudAlerts: row.champion_fraud_alerts,
      championLegitAlerts: row.champion_legit_alerts,
      challengerFraudAlerts: row.challenger_fraud_alerts,
      challengerLegitAlerts: row.challenger_legit_alerts,
    };
  }
}

interface CountsRow {
  scored: number;
  champion_threshold: number | null;
  challenger_threshold: number | null;
  both: number;
  champion_only: number;
  challenger_only: number;
  champion_served: number;
  challenger_served: number;
  fraud: number;
  legit: number;
  champion_fraud_alerts: number;
  champion_legit_alerts: number;
  challenger_fraud_alerts: number;
  challenger_legit_alerts: number;
}
