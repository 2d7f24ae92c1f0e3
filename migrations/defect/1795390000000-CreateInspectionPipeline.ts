import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the live inspection pipeline stores: one row per inspected clip (idempotent on the clip's
 * camera and last seq), the images of defective clips, the outbox watermark of inspection.results,
 * the frames consumer's resume cursors, and periodic per-camera health snapshots.
 */
export class CreateInspectionPipeline1795390000000 implements MigrationInterface {
  name = 'CreateInspectionPipeline1795390000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // ts_start / ts are the capture times of the clip's first and last frame (µs precision, as sent);
    // bbox is in pixels of the frame at seq_end; alignment is the clip's first frame onto its last
    // (dx, dy) and the lowest confidence of any frame in the clip.
    await queryRunner.query(`CREATE TABLE "defect"."inspection" (
      "id" bigint GENERATED ALWAYS AS IDENTITY,
      "camera_id" text NOT NULL,
      "line_id" text NOT NULL,
      "seq_start" bigint NOT NULL,
      "seq_end" bigint NOT NULL,
      "ts_start" timestamptz NOT NULL,
      "ts" timestamptz NOT NULL,
      "verdict" text NOT NULL,
      "defect_class" text,
      "score" double precision NOT NULL,
      "threshold" double precision NOT NULL,
      "class_scores" jsonb NOT NULL,
      "model_name" text NOT NULL,
      "model_version" integer NOT NULL,
      "bbox_x" integer,
      "bbox_y" integer,
      "bbox_w" integer,
      "bbox_h" integer,
      "align_dx" real NOT NULL,
      "align_dy" real NOT NULL,
      "align_confidence" real NOT NULL,
      "missing_frames" integer NOT NULL DEFAULT 0,
      "latency_ms" real NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "published_at" timestamptz,
      CONSTRAINT "PK_defect_inspection" PRIMARY KEY ("id"),
      CONSTRAINT "UQ_defect_inspection_camera_seq_end" UNIQUE ("camera_id", "seq_end"),
      CONSTRAINT "CHK_defect_inspection_seq" CHECK ("seq_start" >= 0 AND "seq_start" <= "seq_end"),
      CONSTRAINT "CHK_defect_inspection_verdict" CHECK ("verdict" IN ('OK', 'DEFECT')),
      CONSTRAINT "CHK_defect_inspection_class" CHECK (("verdict" = 'OK') = ("defect_class" IS NULL)),
      CONSTRAINT "CHK_defect_inspection_score" CHECK ("score" BETWEEN 0 AND 1),
      CONSTRAINT "CHK_defect_inspection_threshold" CHECK ("threshold" BETWEEN 0 AND 1),
      CONSTRAINT "CHK_defect_inspection_bbox" CHECK (
        ("bbox_x" IS NULL AND "bbox_y" IS NULL AND "bbox_w" IS NULL AND "bbox_h" IS NULL)
        OR ("bbox_x" >= 0 AND "bbox_y" >= 0 AND "bbox_w" > 0 AND "bbox_h" > 0)),
      CONSTRAINT "CHK_defect_inspection_align_confidence" CHECK ("align_confidence" BETWEEN 0 AND 1)
    )`);
    await queryRunner.query(`CREATE INDEX "IDX_defect_inspection_line_ts" ON "defect"."inspection" ("line_id", "ts")`);
    await queryRunner.query(`CREATE INDEX "IDX_defect_inspection_camera_ts" ON "defect"."inspection" ("camera_id", "ts")`);
    await queryRunner.query(`CREATE INDEX "IDX_defect_inspection_defects" ON "defect"."inspection" ("ts" DESC, "id") WHERE "verdict" = 'DEFECT'`);
    // The outbox: inspections stored but not yet acknowledged by Kafka ...
    await queryRunner.query(`CREATE INDEX "IDX_defect_inspection_unpublished" ON "defect"."inspection" ("created_at") WHERE "published_at" IS NULL`);
    // ... and, per partition of inspection.results, an offset at or before anything not yet acknowledged,
    // from where a restart looks for results that reached Kafka before the crash let us record it.
    await queryRunner.query(`CREATE TABLE "defect"."inspection_publish_watermark" (
      "partition" integer NOT NULL,
      "offset" bigint NOT NULL,
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_defect_inspection_publish_watermark" PRIMARY KEY ("partition")
    )`);

    // For DEFECT verdicts: the frame at seq_end cropped around the bbox (PNG, crop_* in frame
    // pixels), the whole frame at seq_end, and the model's heatmap (PNG, 8-bit grey, model resolution,
    // covering the whole frame) for the gallery's overlays.
    await queryRunner.query(`CREATE TABLE "defect"."inspection_image" (
      "inspection_id" bigint NOT NULL,
      "frame_png" bytea NOT NULL,
      "crop_png" bytea NOT NULL,
      "crop_x" integer NOT NULL,
      "crop_y" integer NOT NULL,
      "crop_w" integer NOT NULL,
      "crop_h" integer NOT NULL,
      "heatmap_png" bytea NOT NULL,
      CONSTRAINT "PK_defect_inspection_image" PRIMARY KEY ("inspection_id"),
      CONSTRAINT "FK_defect_inspection_image_inspection" FOREIGN KEY ("inspection_id") REFERENCES "defect"."inspection" ("id") ON DELETE CASCADE
    )`);

    // Where the frames consumer resumes after a restart or a rebalance (see apps/defect-inspector
    // inspection/frame-cursor.ts): per camera.frames partition, an offset at or before every frame that
    // is still held in a reorder window or a half-built clip, and per camera the seq its next clip
    // starts at. Written in the same transaction as the inspections, so the two always agree.
    await queryRunner.query(`CREATE TABLE "defect"."frame_cursor" (
      "partition" integer NOT NULL,
      "resume_offset" bigint NOT NULL,
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_defect_frame_cursor" PRIMARY KEY ("partition")
    )`);
    await queryRunner.query(`CREATE TABLE "defect"."camera_cursor" (
      "camera_id" text NOT NULL,
      "partition" integer NOT NULL,
      "resume_seq" bigint NOT NULL,
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_defect_camera_cursor" PRIMARY KEY ("camera_id")
    )`);
    await queryRunner.query(`CREATE INDEX "IDX_defect_camera_cursor_partition" ON "defect"."camera_cursor" ("partition")`);

    // Snapshots of each camera's health (see CameraHealthSnapshot), taken periodically by the pipeline.
    await queryRunner.query(`CREATE TABLE "defect"."camera_health" (
      "id" bigint GENERATED ALWAYS AS IDENTITY,
      "camera_id" text NOT NULL,
      "line_id" text NOT NULL,
      "taken_at" timestamptz NOT NULL DEFAULT now(),
      "fps" real NOT NULL,
      "received" bigint NOT NULL,
      "rejected" bigint NOT NULL,
      "dropped" bigint NOT NULL,
      "gaps" bigint NOT NULL,
      "duplicates" bigint NOT NULL,
      "late" bigint NOT NULL,
      "resyncs" bigint NOT NULL,
      "latency_p50_ms" real,
      "latency_p99_ms" real,
      "alignment_confidence" real,
      CONSTRAINT "PK_defect_camera_health" PRIMARY KEY ("id")
    )`);
    await queryRunner.query(`CREATE INDEX "IDX_defect_camera_health_camera_taken_at" ON "defect"."camera_health" ("camera_id", "taken_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['camera_health', 'camera_cursor', 'frame_cursor', 'inspection_image', 'inspection_publish_watermark', 'inspection']) {
      await queryRunner.query(`DROP TABLE "defect"."${table}"`);
    }
  }
}
