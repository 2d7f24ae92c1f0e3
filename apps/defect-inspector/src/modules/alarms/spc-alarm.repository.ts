import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { decodeCursor, encodeCursor, Page, SqlConditions } from '@vigil/platform';
import { DataSource, EntityManager } from 'typeorm';

import { PChartPoint, RaisedAlarm, Side, WESTERN_ELECTRIC_RULES, WesternElectricRule } from '../../spc';
import { SpcAlarmQueryDto } from './dto/spc-alarm.dto';

export interface SpcAlarm {
  id: string;
  lineId: string;
  /** The chart's subgroup, as GET /spc/p-chart takes it. */
  subgroup: string;
  rule: WesternElectricRule;
  description: string;
  side: Side;
  /** The subgroup that completed the pattern: its counts, p, σ, limits and z on the chart it was judged on. */
  point: PChartPoint;
  /** The chart it was judged on: its first subgroup's start and p̄. */
  chart: { start: string; centre: number };
  /** Starts of the chart's subgroups that meet the rule's condition. */
  points: string[];
  raisedAt: string;
  acknowledgement: { at: string; by: string; note: string } | null;
}

/** Stored SPC alarms and where each line's evaluation got to (STYLE R2: the services see this port, not SQL). */
@Injectable()
export class SpcAlarmRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Every line with inspections, one index probe per line (a loose scan of the line/ts index). */
  async lines(): Promise<string[]> {
    const rows = (await this.db.query(
      `WITH RECURSIVE "lines" AS (
         (SELECT "line_id" FROM "defect"."inspection" ORDER BY "line_id" LIMIT 1)
         UNION ALL
         SELECT (SELECT i."line_id" FROM "defect"."inspection" i WHERE i."line_id" > l."line_id" ORDER BY i."line_id" LIMIT 1) FROM "lines" l WHERE l."line_id" IS NOT NULL)
       SELECT "line_id" FROM "lines" WHERE "line_id" IS NOT NULL`,
    )) as { line_id: string }[];
    return rows.map((row) => row.line_id);
  }

  /** The end (ms) of the last subgroup judged for this line and chart; undefined before the first evaluation. */
  async judgedUntil(line: string, subgroup: string): Promise<number | undefined> {
    const [row] = (await this.db.query(`SELECT "judged_until" FROM "defect"."spc_chart_state" WHERE "line_id" = $1 AND "subgroup" = $2`, [line, subgroup])) as { judged_until: Date }[];
    return row?.judged_until.getTime();
  }

  /**
   * Stores the alarms not stored before (unique per line, subgroup and rule, so evaluating again, or
   * on two instances at once, stores each once) and moves the line's judged-until mark forward, in
   * one transaction. Returns the alarms this call stored.
   */
  async raise(line: string, subgroup: string, alarms: RaisedAlarm[], judgedUntilMs: number): Promise<SpcAlarm[]> {
    return this.db.transaction(async (manager) => {
      const stored: SpcAlarm[] = [];
      for (const alarm of alarms) {
        const { point } = alarm;
        const rows = (await manager.query(
          `INSERT INTO "defect"."spc_alarm" ("line_id", "subgroup", "subgroup_start", "subgroup_end", "rule", "side", "inspected", "defective", "p", "centre", "sigma", "ucl", "lcl", "z", "chart_start", "points")
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::timestamptz[])
           ON CONFLICT ON CONSTRAINT "UQ_defect_spc_alarm_line_subgroup_rule" DO NOTHING
           RETURNING ${ALARM_COLUMNS}`,
          [line, subgroup, point.start, point.end, alarm.rule, alarm.side, point.inspected, point.defective, point.p, alarm.centre, point.sigma, point.ucl, point.lcl, point.z, alarm.chartStart, alarm.points],
        )) as AlarmRow[];
        stored.push(...rows.map(toAlarm));
      }
      await manager.query(
        `INSERT INTO "defect"."spc_chart_state" ("line_id", "subgroup", "judged_until") VALUES ($1, $2, $3)
         ON CONFLICT ("line_id", "subgroup") DO UPDATE SET "judged_until" = GREATEST("spc_chart_state"."judged_until", EXCLUDED."judged_until"), "updated_at" = now()`,
        [line, subgroup, new Date(judgedUntilMs).toISOString()],
      );
      return stored;
    });
  }

  /** Keyset-paginated, newest subgroup first, id breaking ties; undefined for a cursor this API did not make. */
  async list(filters: SpcAlarmQueryDto): Promise<Page<SpcAlarm> | undefined> {
    const sql = new SqlConditions();
    if (filters.line) sql.where(`"line_id" = ${sql.param(filters.line)}`);
    if (filters.rule !== undefined) sql.where(`"rule" = ${sql.param(filters.rule)}`);
    if (filters.status === 'open') sql.where(`"acknowledged_at" IS NULL`);
    if (filters.status === 'acknowledged') sql.where(`"acknowledged_at" IS NOT NULL`);
    if (filters.from) sql.where(`"subgroup_start" >= ${sql.param(filters.from)}::timestamptz`);
    if (filters.to) sql.where(`"subgroup_start" < ${sql.param(filters.to)}::timestamptz`);
    if (filters.cursor) {
      const key = decodeCursor(filters.cursor, ['string', 'string']);
      if (key === undefined || Number.isNaN(Date.parse(String(key[0]))) || !/^\d{1,19}$/.test(String(key[1]))) return undefined;
      sql.where(`("subgroup_start", "id") < (${sql.param(key[0])}::timestamptz, ${sql.param(key[1])}::bigint)`);
    }
    const rows = (await this.db.query(
      `SELECT ${ALARM_COLUMNS} FROM "defect"."spc_alarm" ${sql.clause}
        ORDER BY "subgroup_start" DESC, "id" DESC LIMIT ${sql.param(filters.limit + 1)}`,
      sql.params,
    )) as AlarmRow[];
    const last = rows.length > filters.limit ? rows[filters.limit - 1] : undefined;
    return { items: rows.slice(0, filters.limit).map(toAlarm), nextCursor: last ? encodeCursor([last.subgroup_start.toISOString(), last.id]) : null };
  }

  async find(id: string, manager: EntityManager = this.db.manager): Promise<SpcAlarm | undefined> {
    const [row] = (await manager.query(`SELECT ${ALARM_COLUMNS} FROM "defect"."spc_alarm" WHERE "id" = $1`, [id])) as AlarmRow[];
    return row && toAlarm(row);
  }

  /**
   * Acknowledges an open alarm and runs `run` (the audit) in the same transaction. Undefined when
   * the alarm does not exist; `acknowledged: false` with the alarm as it is when it already was.
   */
  async acknowledge(id: string, note: string, by: string, run: (manager: EntityManager) => Promise<void>): Promise<{ acknowledged: boolean; alarm: SpcAlarm } | undefined> {
    return this.db.transaction(async (manager) => {
      const updated = (await manager.query(
        `UPDATE "defect"."spc_alarm" SET "acknowledged_at" = now(), "acknowledged_by" = $2, "acknowledge_note" = $3
          WHERE "id" = $1 AND "acknowledged_at" IS NULL RETURNING ${ALARM_COLUMNS}`,
        [id, by, note],
      )) as [AlarmRow[], number];
      const [row] = updated[0];
      if (row !== undefined) {
        await run(manager);
        return { acknowledged: true, alarm: toAlarm(row) };
      }
      const existing = await this.find(id, manager);
      return existing && { acknowledged: false, alarm: existing };
    });
  }
}

const ALARM_COLUMNS = `"id"::text AS "id", "line_id", "subgroup", "subgroup_start", "subgroup_end", "rule", "side", "inspected", "defective", "p", "centre", "sigma", "ucl", "lcl", "z",
  "chart_start", "points", "raised_at", "acknowledged_at", "acknowledged_by", "acknowledge_note"`;

interface AlarmRow {
  id: string;
  line_id: string;
  subgroup: string;
  subgroup_start: Date;
  subgroup_end: Date;
  rule: WesternElectricRule;
  side: Side;
  inspected: number;
  defective: number;
  p: number;
  centre: number;
  sigma: number;
  ucl: number;
  lcl: number;
  z: number;
  chart_start: Date;
  points: Date[];
  raised_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  acknowledge_note: string | null;
}

function toAlarm(row: AlarmRow): SpcAlarm {
  return {
    id: row.id,
    lineId: row.line_id,
    subgroup: row.subgroup,
    rule: row.rule,
    description: WESTERN_ELECTRIC_RULES.find((spec) => spec.rule === row.rule)?.description ?? '',
    side: row.side,
    point: {
      start: row.subgroup_start.toISOString(),
      end: row.subgroup_end.toISOString(),
      inspected: row.inspected,
      defective: row.defective,
      p: row.p,
      sigma: row.sigma,
      ucl: row.ucl,
      lcl: row.lcl,
      z: row.z,
    },
    chart: { start: row.chart_start.toISOString(), centre: row.centre },
    points: row.points.map((point) => point.toISOString()),
    raisedAt: row.raised_at.toISOString(),
    acknowledgement: row.acknowledged_at === null ? null : { at: row.acknowledged_at.toISOString(), by: row.acknowledged_by ?? '', note: row.acknowledge_note ?? '' },
  };
}
