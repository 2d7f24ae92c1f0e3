import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Quality engineers' relabels of inspection verdicts: the training labels for the next model, and
 * the verdict yield and the p-chart count once an engineer has corrected the model. One label per
 * inspection, the latest superseding (the audit log keeps every change). `label` is what the engineer
 * said (FALSE_POSITIVE, MISSED_DEFECT or a defect class); `verdict` / `defect_class` what it means:
 * FALSE_POSITIVE is OK; MISSED_DEFECT is a DEFECT of unknown class; a class is a DEFECT of that class.
 */
export class CreateInspectionLabel1795400000000 implements MigrationInterface {
  name = 'CreateInspectionLabel1795400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "defect"."inspection_label" (
      "inspection_id" bigint NOT NULL,
      "label" text NOT NULL,
      "verdict" text NOT NULL,
      "defect_class" text,
      "note" text,
      "created_by" text NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_defect_inspection_label" PRIMARY KEY ("inspection_id"),
      CONSTRAINT "FK_defect_inspection_label_inspection" FOREIGN KEY ("inspection_id") REFERENCES "defect"."inspection" ("id") ON DELETE CASCADE,
      CONSTRAINT "CHK_defect_inspection_label_verdict" CHECK ("verdict" IN ('OK', 'DEFECT')),
      CONSTRAINT "CHK_defect_inspection_label_meaning" CHECK (
        ("label" = 'FALSE_POSITIVE' AND "verdict" = 'OK' AND "defect_class" IS NULL)
        OR ("label" = 'MISSED_DEFECT' AND "verdict" = 'DEFECT' AND "defect_class" IS NULL)
        OR ("label" NOT IN ('FALSE_POSITIVE', 'MISSED_DEFECT') AND "verdict" = 'DEFECT' AND "defect_class" = "label"))
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "defect"."inspection_label"`);
  }
}
