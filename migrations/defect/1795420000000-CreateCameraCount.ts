import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exact camera counts per window. Each batch of camera.frames adds, in its own transaction, what it
 * counted per camera (frames received, refused by the contract, dropped; the reorder window's gaps,
 * duplicates, late frames and resyncs) into 10 s buckets of the frames' Kafka time
 * (apps/defect-inspector ingest/camera-health.ts CameraCountTally). `frame_cursor.counted_to` is the
 * offset below which every frame's counts are stored, so a partition rebuilt after a failure or a
 * restart counts the frames it replays at or above it, and only those. The cumulative counters the
 * health snapshots carried (reset at each restart, up to a snapshot's worth lost at each crash) go.
 */
export class CreateCameraCount1795420000000 implements MigrationInterface {
  name = 'CreateCameraCount1795420000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // line_id is the camera's line as last seen; null while it was known only from refused messages.
    await queryRunner.query(`CREATE TABLE "defect"."camera_count" (
      "camera_id" text NOT NULL,
      "bucket_start" timestamptz NOT NULL,
      "line_id" text,
      "received" bigint NOT NULL DEFAULT 0,
      "rejected" bigint NOT NULL DEFAULT 0,
      "dropped" bigint NOT NULL DEFAULT 0,
      "gaps" bigint NOT NULL DEFAULT 0,
      "duplicates" bigint NOT NULL DEFAULT 0,
      "late" bigint NOT NULL DEFAULT 0,
      "resyncs" bigint NOT NULL DEFAULT 0,
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_defect_camera_count" PRIMARY KEY ("camera_id", "bucket_start"),
      CONSTRAINT "CHK_defect_camera_count_bucket" CHECK (mod((extract(epoch FROM "bucket_start") * 1000)::bigint, 10000) = 0),
      CONSTRAINT "CHK_defect_camera_count_counts" CHECK ("received" >= 0 AND "rejected" >= 0 AND "dropped" >= 0 AND "gaps" >= 0 AND "duplicates" >= 0 AND "late" >= 0 AND "resyncs" >= 0)
    )`);
    // GET /cameras/health sums every camera's buckets of a window.
    await queryRunner.query(`CREATE INDEX "IDX_defect_camera_count_bucket_start" ON "defect"."camera_count" ("bucket_start")`);

    // Existing cursors: frames replayed from their resume offset are counted (nothing is in camera_count yet).
    await queryRunner.query(`ALTER TABLE "defect"."frame_cursor" ADD COLUMN "counted_to" bigint`);
    await queryRunner.query(`UPDATE "defect"."frame_cursor" SET "counted_to" = "resume_offset"`);
    await queryRunner.query(`ALTER TABLE "defect"."frame_cursor" ALTER COLUMN "counted_to" SET NOT NULL`);

    await queryRunner.query(`ALTER TABLE "defect"."camera_health" DROP COLUMN "received", DROP COLUMN "rejected", DROP COLUMN "dropped", DROP COLUMN "gaps",
      DROP COLUMN "duplicates", DROP COLUMN "late", DROP COLUMN "resyncs"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The snapshots' counters cannot be recovered: they come back as 0.
    await queryRunner.query(`ALTER TABLE "defect"."camera_health" ADD COLUMN "received" bigint NOT NULL DEFAULT 0, ADD COLUMN "rejected" bigint NOT NULL DEFAULT 0,
      ADD COLUMN "dropped" bigint NOT NULL DEFAULT 0, ADD COLUMN "gaps" bigint NOT NULL DEFAULT 0, ADD COLUMN "duplicates" bigint NOT NULL DEFAULT 0,
      ADD COLUMN "late" bigint NOT NULL DEFAULT 0, ADD COLUMN "resyncs" bigint NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE "defect"."camera_health" ALTER COLUMN "received" DROP DEFAULT, ALTER COLUMN "rejected" DROP DEFAULT,
      ALTER COLUMN "dropped" DROP DEFAULT, ALTER COLUMN "gaps" DROP DEFAULT, ALTER COLUMN "duplicates" DROP DEFAULT, ALTER COLUMN "late" DROP DEFAULT,
      ALTER COLUMN "resyncs" DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE "defect"."frame_cursor" DROP COLUMN "counted_to"`);
    await queryRunner.query(`DROP TABLE "defect"."camera_count"`);
  }
}
