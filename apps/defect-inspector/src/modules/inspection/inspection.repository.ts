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
   * Two statements in one transaction (the batch is stored on the pipeline's latency path, where
   * every round trip counts): the partition's cursor, camera counts and health, then the inspections
   * with their images.
   */
  async saveBatch(records: InspectionRecord[], cursor: PartitionCursor, counts: BatchCounts, health: HealthRow[]): Promise<{ id: string; inserted: boolean; published: boolean }[]> {
    return this.db.transaction(async (manager) => {
      await saveCursorAndCounts(manager, cursor, counts, health);
      return insertInspections(manager, records);
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

  /** One statement (atomic on its own): the entries marked, each partition's watermark moved forward. */
  async markPublished(ids: string[], watermarks: { partition: number; offset: string }[]): Promise<void> {
    await this.db.query(
      `WITH "marked" AS (
         UPDATE "defect"."inspection" SET "published_at" = now() WHERE "id" = ANY($1::bigint[]) AND "published_at" IS NULL
       )
       INSERT INTO "defect"."inspection_publish_watermark" ("partition", "offset")
       SELECT w."partition", max(w."offset") FROM unnest($2::int[], $3::bigint[]) AS w("partition", "offset") GROUP BY w."partition"
       ON CONFLICT ("partition") DO UPDATE SET "offset" = GREATEST("inspection_publish_watermark"."offset", EXCLUDED."offset"), "updated_at" = now()`,
      [ids, watermarks.map((w) => w.partition), watermarks.map((w) => w.offset)],
    );
  }

  async publishWatermarks(): Promise<Map<number, string>> {
    const rows = (await this.db.query(`SELECT "partition", "offset" FROM "defect"."inspection_publish_watermark"`)) as { partition: number; offset: string }[];
    return new Map(rows.map((row) => [row.partition, String(row.offset)]));
  }
}

/**
 * Inserts the batch's inspections (a clip stored before is left as it is) and the images of those
 * inserted, in one statement; then looks up the ones that were there already.
 */
async function insertInspections(manager: EntityManager, records: InspectionRecord[]): Promise<{ id: string; inserted: boolean; published: boolean }[]> {
  if (records.length === 0) return [];
  const messages = records.map((record) => record.message);
  const column = <T>(pick: (message: InspectionResultMessage, record: InspectionRecord) => T) => records.map((record) => pick(record.message, record));
  const withImages = records.filter((record) => record.images !== null);
  const image = <T>(pick: (images: NonNullable<InspectionRecord['images']>, message: InspectionResultMessage) => T) => withImages.map((record) => pick(record.images as NonNullable<InspectionRecord['images']>, record.message));
  const inserted = (await manager.query(
    `WITH "input" AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::float8[], $10::float8[], $11::text[],
                            $12::text[], $13::int[], $14::int[], $15::int[], $16::int[], $17::int[], $18::real[], $19::real[], $20::real[], $21::int[], $22::real[]) WITH ORDINALITY
         AS i("camera_id", "line_id", "seq_start", "seq_end", "ts_start_us", "ts_us", "verdict", "defect_class", "score", "threshold", "class_scores",
              "model_name", "model_version", "bbox_x", "bbox_y", "bbox_w", "bbox_h", "align_dx", "align_dy", "align_confidence", "missing_frames", "latency_ms", "n")
     ), "inserted" AS (
       INSERT INTO "defect"."inspection" ("camera_id", "line_id", "seq_start", "seq_end", "ts_start", "ts", "verdict", "defect_class", "score", "threshold",
         "class_scores", "model_name", "model_version", "bbox_x", "bbox_y", "bbox_w", "bbox_h", "align_dx", "align_dy", "align_confidence", "missing_frames", "latency_ms")
       SELECT "camera_id", "line_id", "seq_start", "seq_end", 'epoch'::timestamptz + "ts_start_us" * interval '1 microsecond', 'epoch'::timestamptz + "ts_us" * interval '1 microsecond',
              "verdict", "defect_class", "score", "threshold", "class_scores"::jsonb, "model_name", "model_version", "bbox_x", "bbox_y", "bbox_w", "bbox_h",
              "align_dx", "align_dy", "align_confidence", "missing_frames", "latency_ms"
         FROM "input" ORDER BY "n"
       ON CONFLICT ("camera_id", "seq_end") DO NOTHING
       RETURNING "id", "camera_id", "seq_end"
     ), "images" AS (
       INSERT INTO "defect"."inspection_image" ("inspection_id", "frame_png", "crop_png", "crop_x", "crop_y", "crop_w", "crop_h", "heatmap_png")
       SELECT ins."id", im."frame_png", im."crop_png", im."crop_x", im."crop_y", im."crop_w", im."crop_h", im."heatmap_png"
         FROM "inserted" ins
         JOIN unnest($23::text[], $24::bigint[], $25::bytea[], $26::bytea[], $27::int[], $28::int[], $29::int[], $30::int[], $31::bytea[])
           AS im("camera_id", "seq_end", "frame_png", "crop_png", "crop_x", "crop_y", "crop_w", "crop_h", "heatmap_png") USING ("camera_id", "seq_end")
     )
     SELECT "id", "camera_id", "seq_end" FROM "inserted"`,
    [
      column((m) => m.cameraId), column((m) => m.lineId), column((m) => m.seqStart), column((m) => m.seqEnd), column((m) => m.tsStart), column((m) => m.tsEnd),
      column((m) => m.verdict), column((m) => m.defectClass), column((m) => m.score), column((m) => m.threshold), column((_, r) => JSON.stringify(r.classScores)),
      column((m) => m.modelName), column((m) => Number(m.modelVersion)), column((m) => m.bbox?.x ?? null), column((m) => m.bbox?.y ?? null), column((m) => m.bbox?.w ?? null),
      column((m) => m.bbox?.h ?? null), column((_, r) => r.alignDx), column((_, r) => r.alignDy), column((m) => m.alignmentConfidence), column((m) => m.missingFrames), column((m) => m.latencyMs),
      image((_, m) => m.cameraId), image((_, m) => m.seqEnd), image((i) => i.framePng), image((i) => i.cropPng), image((i) => i.crop.x), image((i) => i.crop.y), image((i) => i.crop.w), image((i) => i.crop.h),
      image((i) => i.heatmapPng),
    ],
  )) as { id: string; camera_id: string; seq_end: string }[];
  const key = (cameraId: string, seqEnd: number | string) => `${cameraId}\u0000${seqEnd}`;
  const fresh = new Map(inserted.map((row) => [key(row.camera_id, row.seq_end), String(row.id)]));
  const stored = new Map<string, { id: string; published: boolean }>();
  const replayed = messages.filter((m) => !fresh.has(key(m.cameraId, m.seqEnd)));
  if (replayed.length > 0) {
    const rows = (await manager.query(
      `SELECT i."id", i."camera_id", i."seq_end", i."published_at" IS NOT NULL AS "published"
         FROM "defect"."inspection" i JOIN unnest($1::text[], $2::bigint[]) AS r("camera_id", "seq_end") USING ("camera_id", "seq_end")`,
      [replayed.map((m) => m.cameraId), replayed.map((m) => m.seqEnd)],
    )) as { id: string; camera_id: string; seq_end: string; published: boolean }[];
    for (const row of rows) stored.set(key(row.camera_id, row.seq_end), { id: String(row.id), published: row.published });
  }
  return messages.map((m) => {
    const id = fresh.get(key(m.cameraId, m.seqEnd));
    if (id !== undefined) return { id, inserted: true, published: false };
    const existing = stored.get(key(m.cameraId, m.seqEnd));
    if (existing === undefined) throw new Error(`inspection ${m.cameraId}/${m.seqEnd} was neither inserted nor found`);
    return { id: existing.id, inserted: false, published: existing.published };
  });
}

/**
 * Moves the partition's cursor, its cameras' resume seqs, the camera counts and health in one
 * statement. The cursor moves only if it is counted to `counts.from` (or is new): otherwise another
 * consumer stored the partition meanwhile, nothing else is written, and the batch is refused. The
 * cursor row's lock, taken first, orders consumers of one partition.
 */
async function saveCursorAndCounts(manager: EntityManager, cursor: PartitionCursor, counts: BatchCounts, health: HealthRow[]): Promise<void> {
  const bucket = <K extends keyof CountBucket>(key: K) => counts.buckets.map((b) => b[key]);
  const row = <K extends keyof HealthRow>(key: K) => health.map((h) => h[key]);
  const [{ moved }] = (await manager.query(
    `WITH "cursor" AS (
       INSERT INTO "defect"."frame_cursor" ("partition", "resume_offset", "counted_to") VALUES ($1, $2, $3)
       ON CONFLICT ("partition") DO UPDATE SET "resume_offset" = EXCLUDED."resume_offset", "counted_to" = EXCLUDED."counted_to", "updated_at" = now()
         WHERE COALESCE("frame_cursor"."counted_to", 0) = $4
       RETURNING 1
     ), "cameras" AS (
       INSERT INTO "defect"."camera_cursor" ("camera_id", "partition", "resume_seq")
       SELECT c."camera_id", $1, c."resume_seq" FROM unnest($5::text[], $6::bigint[]) AS c("camera_id", "resume_seq") WHERE EXISTS (SELECT 1 FROM "cursor")
       ON CONFLICT ("camera_id") DO UPDATE SET "partition" = EXCLUDED."partition", "resume_seq" = EXCLUDED."resume_seq", "updated_at" = now()
     ), "counts" AS (
       INSERT INTO "defect"."camera_count" ("camera_id", "line_id", "bucket_start", "received", "rejected", "dropped", "gaps", "duplicates", "late", "resyncs")
       SELECT b."camera_id", b."line_id", 'epoch'::timestamptz + b."start_ms" * interval '1 millisecond', b."received", b."rejected", b."dropped", b."gaps", b."duplicates", b."late", b."resyncs"
         FROM unnest($7::text[], $8::text[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::bigint[])
           AS b("camera_id", "line_id", "start_ms", "received", "rejected", "dropped", "gaps", "duplicates", "late", "resyncs")
        WHERE EXISTS (SELECT 1 FROM "cursor")
       ON CONFLICT ("camera_id", "bucket_start") DO UPDATE SET
         "line_id" = COALESCE(EXCLUDED."line_id", "camera_count"."line_id"),
         "received" = "camera_count"."received" + EXCLUDED."received", "rejected" = "camera_count"."rejected" + EXCLUDED."rejected",
         "dropped" = "camera_count"."dropped" + EXCLUDED."dropped", "gaps" = "camera_count"."gaps" + EXCLUDED."gaps",
         "duplicates" = "camera_count"."duplicates" + EXCLUDED."duplicates", "late" = "camera_count"."late" + EXCLUDED."late",
         "resyncs" = "camera_count"."resyncs" + EXCLUDED."resyncs", "updated_at" = now()
     ), "health" AS (
       INSERT INTO "defect"."camera_health" ("camera_id", "line_id", "fps", "latency_p50_ms", "latency_p99_ms", "alignment_confidence")
       SELECT * FROM unnest($17::text[], $18::text[], $19::real[], $20::real[], $21::real[], $22::real[]) WHERE EXISTS (SELECT 1 FROM "cursor")
     )
     SELECT EXISTS (SELECT 1 FROM "cursor") AS "moved"`,
    [
      cursor.partition, cursor.resumeOffset, cursor.countedTo, counts.from, cursor.cameras.map((c) => c.cameraId), cursor.cameras.map((c) => c.resumeSeq),
      bucket('cameraId'), bucket('lineId'), bucket('bucketStart'), bucket('received'), bucket('rejected'), bucket('dropped'), bucket('gaps'), bucket('duplicates'), bucket('late'), bucket('resyncs'),
      row('cameraId'), row('lineId'), row('fps'), row('latencyP50Ms'), row('latencyP99Ms'), row('alignmentConfidence'),
    ],
  )) as { moved: boolean }[];
  if (!moved) {
    const [stored] = (await manager.query(`SELECT "counted_to" FROM "defect"."frame_cursor" WHERE "partition" = $1`, [cursor.partition])) as { counted_to: string | null }[];
    throw new Error(`camera.frames partition ${cursor.partition} is counted to offset ${stored?.counted_to ?? 0}, not ${counts.from}: another consumer stored it meanwhile`);
  }
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
