import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SPC alarms: a Western Electric rule broken by a line's p-chart, raised once when the subgroup
 * that completed the pattern closed (apps/defect-inspector alarms/spc-alarm-evaluator.ts), kept
 * for quality engineers to acknowledge with a note. One row per line, chart subgroup, subgroup and
 * rule, however often and by however many instances it is evaluated. `spc_chart_state` records per
 * line and chart the end of the last subgroup judged, so evaluation resumes where it stopped.
 */
export class CreateSpcAlarm1795410000000 implements MigrationInterface {
  name = 'CreateSpcAlarm1795410000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // subgroup is the chart's subgroup as GET /spc/p-chart takes it (e.g. '1h'); inspected .. z are
    // the judged subgroup's point and centre the p̄ of the chart it was judged on (from chart_start);
    // points are the starts of the chart's subgroups that meet the rule's condition.
    await queryRunner.query(`CREATE TABLE "defect"."spc_alarm" (
      "id" bigint GENERATED ALWAYS AS IDENTITY,
      "line_id" text NOT NULL,
      "subgroup" text NOT NULL,
      "subgroup_start" timestamptz NOT NULL,
      "subgroup_end" timestamptz NOT NULL,
      "rule" smallint NOT NULL,
      "side" text NOT NULL,
      "inspected" integer NOT NULL,
      "defective" integer NOT NULL,
      "p" double precision NOT NULL,
      "centre" double precision NOT NULL,
      "sigma" double precision NOT NULL,
      "ucl" double precision NOT NULL,
      "lcl" double precision NOT NULL,
      "z" double precision NOT NULL,
      "chart_start" timestamptz NOT NULL,
      "points" timestamptz[] NOT NULL,
      "raised_at" timestamptz NOT NULL DEFAULT now(),
      "acknowledged_at" timestamptz,
      "acknowledged_by" text,
      "acknowledge_note" text,
      CONSTRAINT "PK_defect_spc_alarm" PRIMARY KEY ("id"),
      CONSTRAINT "UQ_defect_spc_alarm_line_subgroup_rule" UNIQUE ("line_id", "subgroup", "subgroup_start", "rule"),
      CONSTRAINT "CHK_defect_spc_alarm_rule" CHECK ("rule" BETWEEN 1 AND 4),
      CONSTRAINT "CHK_defect_spc_alarm_side" CHECK ("side" IN ('above', 'below')),
      CONSTRAINT "CHK_defect_spc_alarm_subgroup" CHECK ("subgroup_start" < "subgroup_end" AND "chart_start" <= "subgroup_start"),
      CONSTRAINT "CHK_defect_spc_alarm_counts" CHECK ("inspected" >= 1 AND "defective" BETWEEN 0 AND "inspected"),
      CONSTRAINT "CHK_defect_spc_alarm_acknowledged" CHECK (
        ("acknowledged_at" IS NULL AND "acknowledged_by" IS NULL AND "acknowledge_note" IS NULL)
        OR ("acknowledged_at" IS NOT NULL AND "acknowledged_by" IS NOT NULL AND "acknowledge_note" IS NOT NULL))
    )`);
    // The list is newest subgroup first; open alarms are what engineers look at most.
    await queryRunner.query(`CREATE INDEX "IDX_defect_spc_alarm_subgroup_start" ON "defect"."spc_alarm" ("subgroup_start" DESC, "id" DESC)`);
    await queryRunner.query(`CREATE INDEX "IDX_defect_spc_alarm_open" ON "defect"."spc_alarm" ("subgroup_start" DESC, "id" DESC) WHERE "acknowledged_at" IS NULL`);

    await queryRunner.query(`CREATE TABLE "defect"."spc_chart_state" (
      "line_id" text NOT NULL,
      "subgroup" text NOT NULL,
      "judged_until" timestamptz NOT NULL,
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_defect_spc_chart_state" PRIMARY KEY ("line_id", "subgroup")
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "defect"."spc_chart_state"`);
    await queryRunner.query(`DROP TABLE "defect"."spc_alarm"`);
  }
}
