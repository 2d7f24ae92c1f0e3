import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InspectionResultMessage } from '@vigil/contracts';
import { DataSource, EntityManager } from 'typeorm';

import type { CameraHealthSnapshot, CountBucket } from '../ingest/camera-health';

/** One inspected clip as stored: the message it publishes plus what only the database keeps. */
export interface InspectionRecord {
  message: InspectionResultMessage;
  classScores: Record<string, number>;
  alignDx: number;
  alignDy: number;
  /** PNGs of a DEFECT clip; null for OK. */
  images: InspectionImages | null;
}

export interface InspectionImages {
  framePng: Buffer;
  cropPng: Buffer;
  crop: { x: number; y: number; w: number; h: number };
  heatmapPng: Buffer;
}

/** Where the frames consumer resumes a partition (see frame-cursor in the migration). */
export interface PartitionCursor {
  partition: number;
  resumeOffset: number;
  cameras: { cameraId: string; resumeSeq: number }[];
  /** The counts of every frame below this offset are in camera_count. */
  countedTo: number;
}

/** What a batch counted, per camera and bucket, from the offset its partition's stored cursor had counted to. */
export interface BatchCounts {
  /** The stored cursor's countedTo these counts follow on from; -1 when the partition had no cursor. */
  from: number;
  buckets: CountBucket[];
}

export interface HealthRow extends CameraHealthSnapshot {
  lineId: string;
}

/** A stored inspection waiting for Kafka's acknowledgement. */
export interface UnpublishedInspection {
  id: string;
  message: InspectionResultMessage;
}

/**
 * The inspection pipeline's storage. A batch (its inspections, their images, the partition's
 * cursor, camera counts and health snapshots) is written in one transaction, idempotent on
 * (camera_id, seq_end): a crash leaves all of a batch or none of it, and a replayed clip is not
 * stored twice. Counts are added only on top of the counts they follow on from (the cursor's
 * counted_to, locked), so a consumer that lost its partition cannot count frames twice.
 */
@Injectable()
export class InspectionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async loadCursor(partition: number): Promise<PartitionCursor | undefined> {
    const [row] = (await this.db.query(`SELECT "resume_offset", "counted_to" FROM "defect"."frame_cursor" WHERE "partition" = $1`, [partition])) as { resume_offset: string; counted_to: string }[];
    if (row === undefined) return undefined;
    const cameras = (await this.db.query(`SELECT "camera_id", "resume_seq" FROM "defect"."camera_cursor" WHERE "partition" = $1`, [partition])) as { camera_id: string; resume_seq: string }[];
    return {
      partition,
      resumeOffset: Number(row.resume_offset),
      cameras: cameras.map((c) => ({ cameraId: c.camera_id, resumeSeq: Number(c.resume_seq) })),
      countedTo: Number(row.counted_to),
    };
  }

  /**
   * Stores a batch; returns, per record (in order), the inspection's id and whether this call
   * inserted it (false: a replay of a clip stored before, with whether that one was published).
   */
  async saveBatch(records: InspectionRecord[], cursor: PartitionCursor, counts: BatchCounts, health: HealthRow[]): Promise<{ id: string; inserted: boolean; published: boolean }[]> {
    return this.db.transaction(async (manager) => {
      await checkCountedTo(manager, cursor.partition, counts.from);
      const results: { id: string; inserted: boolean; published: boolean }[] = [];
      for (const record of records) results.push(await insertInspection(manager, record));
      await saveCursor(manager, cursor);
      await addCounts(manager, counts.buckets);
      for (const row of health) await insertHealth(manager, row);
      return results;
    });
  }

  async findUnpublished(): Promise<UnpublishedInspection[]> {
    const rows = (await this.db.query(
      `SELECT "id", "camera_id", "line_id", "seq_start", "seq_end",
              (extract(epoch FROM "ts_start") * 1000000)::bigint AS "ts_start_us", (extract(epoch FROM "ts") * 1000000)::bigint AS "ts_us",
              "verdict", "defect_class", "score", "threshold", "model_name", "model_version", "bbox_x", "bbox_y", "bbox_w", "bbox_h",
              "align_confidence", "missing_frames", "latency_ms", "created_at"
         FROM "defect"."inspection" WHERE "published_at" IS NULL ORDER BY "id"`,
    )) as StoredRow[];
    return rows.map((row) => ({ id: String(row.id), message: toMessage(row) }));
  }

  async markPublished(ids: string[], watermarks: { partition: number; offset: string }[]): Promise<void> {
    await this.db.transaction(async (manager) => {
      await manager.query(`UPDATE "defect"."inspection" SET "published_at" = now() WHERE "id" = ANY($1::bigint[]) AND "published_at" IS NULL`, [ids]);
      for (const { partition, offset } of watermarks) {
        await manager.query(
          `INSERT INTO "defect"."inspection_publish_watermark" ("partition", "offset") VALUES ($1, $2)
           ON CONFLICT ("partition") DO UPDATE SET "offset" = GREATEST("inspection_publish_watermark"."offset", EXCLUDED."offset"), "updated_at" = now()`,
          [partition, offset],
        );
      }
    });
  }

  async publishWatermarks(): Promise<Map<number, string>> {
    const rows = (await this.db.query(`SELECT "partition", "offset" FROM "defect"."inspection_publish_watermark"`)) as { partition: number; offset: string }[];
    return new Map(rows.map((row) => [row.partition, String(row.offset)]));
  }
}

async function insertInspection(manager: EntityManager, record: InspectionRecord): Promise<{ id: string; inserted: boolean; published: boolean }> {
  const m = record.message;
  const inserted = (await manager.query(
    `INSERT INTO "defect"."inspection" ("camera_id", "line_id", "seq_start", "seq_end", "ts_start", "ts", "verdict", "defect_class", "score", "threshold",
       "class_scores", "model_name", "model_version", "bbox_x", "bbox_y", "bbox_w", "bbox_h", "align_dx", "align_dy", "align_confidence", "missing_frames", "latency_ms")
     VALUES ($1, $2, $3, $4, 'epoch'::timestamptz + $5::bigint * interval '1 microsecond', 'epoch'::timestamptz + $6::bigint * interval '1 microsecond', $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
     ON CONFLICT ("camera_id", "seq_end") DO NOTHING
     RETURNING "id"`,
    [
      m.cameraId, m.lineId, m.seqStart, m.seqEnd, m.tsStart, m.tsEnd, m.verdict, m.defectClass, m.score, m.threshold,
      JSON.stringify(record.classScores), m.modelName, Number(m.modelVersion), m.bbox?.x ?? null, m.bbox?.y ?? null, m.bbox?.w ?? null, m.bbox?.h ?? null,
      record.alignDx, record.alignDy, m.alignmentConfidence, m.missingFrames, m.latencyMs,
    ],
  )) as { id: string }[];
  if (inserted.length === 0) {
    const [existing] = (await manager.query(`SELECT "id", "published_at" IS NOT NULL AS "published" FROM "defect"."inspection" WHERE "camera_id" = $1 AND "seq_end" = $2`, [m.cameraId, m.seqEnd])) as { id: string; published: boolean }[];
    return { id: String(existing.id), inserted: false, published: existing.published };
  }
  const id = String(inserted[0].id);
  if (record.images !== null) {
    const { framePng, cropPng, crop, heatmapPng } = record.images;
    await manager.query(
      `INSERT INTO "defect"."inspection_image" ("inspection_id", "frame_png", "crop_png", "crop_x", "crop_y", "crop_w", "crop_h", "heatmap_png") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, framePng, cropPng, crop.x, crop.y, crop.w, crop.h, heatmapPng],
    );
  }
  return { id, inserted: true, published: false };
}

async function saveCursor(manager: EntityManager, cursor: PartitionCursor): Promise<void> {
  await manager.query(
    `INSERT INTO "defect"."frame_cursor" ("partition", "resume_offset", "counted_to") VALUES ($1, $2, $3)
     ON CONFLICT ("partition") DO UPDATE SET "resume_offset" = EXCLUDED."resume_offset", "counted_to" = EXCLUDED."counted_to", "updated_at" = now()`,
    [cursor.partition, cursor.resumeOffset, cursor.countedTo],
  );
  for (const { cameraId, resumeSeq } of cursor.cameras) {
    await manager.query(
      `INSERT INTO "defect"."camera_cursor" ("camera_id", "partition", "resume_seq") VALUES ($1, $2, $3)
       ON CONFLICT ("camera_id") DO UPDATE SET "partition" = EXCLUDED."partition", "resume_seq" = EXCLUDED."resume_seq", "updated_at" = now()`,
      [cameraId, cursor.partition, resumeSeq],
    );
  }
}

/** Locks the partition's cursor and refuses counts that do not follow on from what it has counted. */
async function checkCountedTo(manager: EntityManager, partition: number, from: number): Promise<void> {
  const [row] = (await manager.query(`SELECT "counted_to" FROM "defect"."frame_cursor" WHERE "partition" = $1 FOR UPDATE`, [partition])) as { counted_to: string }[];
  if (row !== undefined && Number(row.counted_to) !== from) {
    throw new Error(`camera.frames partition ${partition} is counted to offset ${row.counted_to}, not ${from}: another consumer stored it meanwhile`);
  }
}

async function addCounts(manager: EntityManager, buckets: CountBucket[]): Promise<void> {
  if (buckets.length === 0) return;
  const column = <K extends keyof CountBucket>(key: K) => buckets.map((bucket) => bucket[key]);
  await manager.query(
    `INSERT INTO "defect"."camera_count" ("camera_id", "line_id", "bucket_start", "received", "rejected", "dropped", "gaps", "duplicates", "late", "resyncs")
     SELECT b."camera_id", b."line_id", 'epoch'::timestamptz + b."start_ms" * interval '1 millisecond', b."received", b."rejected", b."dropped", b."gaps", b."duplicates", b."late", b."resyncs"
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[])
         AS b("camera_id", "line_id", "start_ms", "received", "rejected", "dropped", "gaps", "duplicates", "late", "resyncs")
     ON CONFLICT ("camera_id", "bucket_start") DO UPDATE SET
       "line_id" = COALESCE(EXCLUDED."line_id", "camera_count"."line_id"),
       "received" = "camera_count"."received" + EXCLUDED."received", "rejected" = "camera_count"."rejected" + EXCLUDED."rejected",
       "dropped" = "camera_count"."dropped" + EXCLUDED."dropped", "gaps" = "camera_count"."gaps" + EXCLUDED."gaps",
       "duplicates" = "camera_count"."duplicates" + EXCLUDED."duplicates", "late" = "camera_count"."late" + EXCLUDED."late",
       "resyncs" = "camera_count"."resyncs" + EXCLUDED."resyncs", "updated_at" = now()`,
    [
      column('cameraId'), column('lineId'), column('bucketStart'), column('received'), column('rejected'), column('dropped'),
      column('gaps'), column('duplicates'), column('late'), column('resyncs'),
    ],
  );
}

async function insertHealth(manager: EntityManager, row: HealthRow): Promise<void> {
  await manager.query(
    `INSERT INTO "defect"."camera_health" ("camera_id", "line_id", "fps", "latency_p50_ms", "latency_p99_ms", "alignment_confidence") VALUES ($1, $2, $3, $4, $5, $6)`,
    [row.cameraId, row.lineId, row.fps, row.latencyP50Ms, row.latencyP99Ms, row.alignmentConfidence],
  );
}

interface StoredRow {
  id: string;
  camera_id: string;
  line_id: string;
  seq_start: string;
  seq_end: string;
  ts_start_us: string;
  ts_us: string;
  verdict: 'OK' | 'DEFECT';
  defect_class: string | null;
  score: number;
  threshold: number;
  model_name: string;
  model_version: number;
  bbox_x: number | null;
  bbox_y: number | null;
  bbox_w: number | null;
  bbox_h: number | null;
  align_confidence: number;
  missing_frames: number;
  latency_ms: number;
  created_at: Date;
}

function toMessage(row: StoredRow): InspectionResultMessage {
  return {
    cameraId: row.camera_id,
    lineId: row.line_id,
    seqStart: Number(row.seq_start),
    seqEnd: Number(row.seq_end),
    tsStart: Number(row.ts_start_us),
    tsEnd: Number(row.ts_us),
    verdict: row.verdict,
    defectClass: row.defect_class,
    score: row.score,
    bbox: row.bbox_x === null ? null : { x: row.bbox_x, y: row.bbox_y as number, w: row.bbox_w as number, h: row.bbox_h as number },
    modelVersion: String(row.model_version),
    latencyMs: row.latency_ms,
    threshold: row.threshold,
    modelName: row.model_name,
    missingFrames: row.missing_frames,
    alignmentConfidence: row.align_confidence,
    processedAt: row.created_at.toISOString(),
  };
}
