import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InspectionResultMessage } from '@vigil/contracts';
import { preparedQuery } from '@vigil/platform';
import { DataSource } from 'typeorm';

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
  /** Per camera: the seq its next clip starts at, and the seqs below it its window gave up on (StreamResume). */
  cameras: { cameraId: string; resumeSeq: number; givenUp: number[] }[];
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
    const cameras = (await this.db.query(`SELECT "camera_id", "resume_seq", "given_up" FROM "defect"."camera_cursor" WHERE "partition" = $1`, [partition])) as { camera_id: string; resume_seq: string; given_up: string[] }[];
    return {
      partition,
      resumeOffset: Number(row.resume_offset),
      cameras: cameras.map((c) => ({ cameraId: c.camera_id, resumeSeq: Number(c.resume_seq), givenUp: c.given_up.map(Number) })),
      countedTo: Number(row.counted_to),
    };
  }

  /**
   * Stores a batch; returns, per record (in order), the inspection's id and whether this call
   * inserted it (false: a replay of a clip stored before, with whether that one was published).
   * One statement, atomic on its own (the batch is stored on the pipeline's latency path, where every
   * round trip counts): the partition's cursor, its cameras' resume seqs, camera counts and health,
   * the inspections and their images. The cursor moves only if it is counted to `counts.from` (or is
   * new); otherwise another consumer stored the partition meanwhile, nothing is written and the batch
   * is refused. The cursor row's lock, taken first, orders consumers of one partition.
   */
  async saveBatch(records: InspectionRecord[], cursor: PartitionCursor, counts: BatchCounts, health: HealthRow[]): Promise<{ id: string; inserted: boolean; published: boolean }[]> {
    const rows = await preparedQuery<{ moved: boolean; id: string | null; camera_id: string; seq_end: string }>(this.db, 'defect-save-batch', SAVE_BATCH, saveBatchParameters(records, cursor, counts, health));
    if (!rows[0].moved) {
      const [stored] = (await this.db.query(`SELECT "counted_to" FROM "defect"."frame_cursor" WHERE "partition" = $1`, [cursor.partition])) as { counted_to: string | null }[];
      throw new Error(`camera.frames partition ${cursor.partition} is counted to offset ${stored?.counted_to ?? 0}, not ${counts.from}: another consumer stored it meanwhile`);
    }
    const fresh = new Map(rows.filter((row) => row.id !== null).map((row) => [clipRow(row.camera_id, row.seq_end), String(row.id)]));
    const replayed = records.map((record) => record.message).filter((m) => !fresh.has(clipRow(m.cameraId, m.seqEnd)));
    const stored = new Map<string, { id: string; published: boolean }>();
    if (replayed.length > 0) {
      const found = (await this.db.query(
        `SELECT i."id", i."camera_id", i."seq_end", i."published_at" IS NOT NULL AS "published"
           FROM "defect"."inspection" i JOIN unnest($1::text[], $2::bigint[]) AS r("camera_id", "seq_end") USING ("camera_id", "seq_end")`,
        [replayed.map((m) => m.cameraId), replayed.map((m) => m.seqEnd)],
      )) as { id: string; camera_id: string; seq_end: string; published: boolean }[];
      for (const row of found) stored.set(clipRow(row.camera_id, row.seq_end), { id: String(row.id), published: row.published });
    }
    return records.map(({ message: m }) => {
      const id = fresh.get(clipRow(m.cameraId, m.seqEnd));
      if (id !== undefined) return { id, inserted: true, published: false };
      const existing = stored.get(clipRow(m.cameraId, m.seqEnd));
      if (existing === undefined) throw new Error(`inspection ${m.cameraId}/${m.seqEnd} was neither inserted nor found`);
      return { id: existing.id, inserted: false, published: existing.published };
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
    await preparedQuery(
      this.db,
      'defect-mark-published',
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

/** A clip's row key: camera and last seq. */
function clipRow(cameraId: string, seqEnd: number | string): string {
  return `${cameraId}\u0000${seqEnd}`;
}

/**
 * saveBatch's statement. Every write but the cursor's waits for the cursor's RETURNING row (so it is
 * skipped when the cursor did not move); the last SELECT gives one row even when nothing was inserted.
 */
const SAVE_BATCH = `
  WITH "cursor" AS (
    INSERT INTO "defect"."frame_cursor" ("partition", "resume_offset", "counted_to") VALUES ($1, $2, $3)
    ON CONFLICT ("partition") DO UPDATE SET "resume_offset" = EXCLUDED."resume_offset", "counted_to" = EXCLUDED."counted_to", "updated_at" = now()
      WHERE COALESCE("frame_cursor"."counted_to", 0) = $4
    RETURNING 1
  ), "cameras" AS (
    INSERT INTO "defect"."camera_cursor" ("camera_id", "partition", "resume_seq", "given_up")
    SELECT c."camera_id", $1, c."resume_seq", string_to_array(c."given_up", ',')::bigint[]
      FROM unnest($5::text[], $6::bigint[], $54::text[]) AS c("camera_id", "resume_seq", "given_up") WHERE EXISTS (SELECT 1 FROM "cursor")
    ON CONFLICT ("camera_id") DO UPDATE SET "partition" = EXCLUDED."partition", "resume_seq" = EXCLUDED."resume_seq", "given_up" = EXCLUDED."given_up", "updated_at" = now()
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
  ), "input" AS (
    SELECT * FROM unnest($23::text[], $24::text[], $25::bigint[], $26::bigint[], $27::bigint[], $28::bigint[], $29::text[], $30::text[], $31::float8[], $32::float8[], $33::text[],
                         $34::text[], $35::int[], $36::int[], $37::int[], $38::int[], $39::int[], $40::real[], $41::real[], $42::real[], $43::int[], $44::real[]) WITH ORDINALITY
      AS i("camera_id", "line_id", "seq_start", "seq_end", "ts_start_us", "ts_us", "verdict", "defect_class", "score", "threshold", "class_scores",
           "model_name", "model_version", "bbox_x", "bbox_y", "bbox_w", "bbox_h", "align_dx", "align_dy", "align_confidence", "missing_frames", "latency_ms", "n")
  ), "inserted" AS (
    INSERT INTO "defect"."inspection" ("camera_id", "line_id", "seq_start", "seq_end", "ts_start", "ts", "verdict", "defect_class", "score", "threshold",
      "class_scores", "model_name", "model_version", "bbox_x", "bbox_y", "bbox_w", "bbox_h", "align_dx", "align_dy", "align_confidence", "missing_frames", "latency_ms")
    SELECT "camera_id", "line_id", "seq_start", "seq_end", 'epoch'::timestamptz + "ts_start_us" * interval '1 microsecond', 'epoch'::timestamptz + "ts_us" * interval '1 microsecond',
           "verdict", "defect_class", "score", "threshold", "class_scores"::jsonb, "model_name", "model_version", "bbox_x", "bbox_y", "bbox_w", "bbox_h",
           "align_dx", "align_dy", "align_confidence", "missing_frames", "latency_ms"
      FROM "input" WHERE EXISTS (SELECT 1 FROM "cursor") ORDER BY "n"
    ON CONFLICT ("camera_id", "seq_end") DO NOTHING
    RETURNING "id", "camera_id", "seq_end"
  ), "images" AS (
    INSERT INTO "defect"."inspection_image" ("inspection_id", "frame_png", "crop_png", "crop_x", "crop_y", "crop_w", "crop_h", "heatmap_png")
    SELECT ins."id", im."frame_png", im."crop_png", im."crop_x", im."crop_y", im."crop_w", im."crop_h", im."heatmap_png"
      FROM "inserted" ins
      JOIN unnest($45::text[], $46::bigint[], $47::bytea[], $48::bytea[], $49::int[], $50::int[], $51::int[], $52::int[], $53::bytea[])
        AS im("camera_id", "seq_end", "frame_png", "crop_png", "crop_x", "crop_y", "crop_w", "crop_h", "heatmap_png") USING ("camera_id", "seq_end")
  )
  SELECT EXISTS (SELECT 1 FROM "cursor") AS "moved", ins."id", ins."camera_id", ins."seq_end" FROM (SELECT 1) AS "one" LEFT JOIN "inserted" ins ON true`;

/** SAVE_BATCH's parameters: the cursor, its cameras, the count buckets, health rows, then the inspections and their images as columns. */
function saveBatchParameters(records: InspectionRecord[], cursor: PartitionCursor, counts: BatchCounts, health: HealthRow[]): unknown[] {
  const bucket = <K extends keyof CountBucket>(key: K) => counts.buckets.map((b) => b[key]);
  const row = <K extends keyof HealthRow>(key: K) => health.map((h) => h[key]);
  const column = <T>(pick: (message: InspectionResultMessage, record: InspectionRecord) => T) => records.map((record) => pick(record.message, record));
  const withImages = records.filter((record) => record.images !== null);
  const image = <T>(pick: (images: InspectionImages, message: InspectionResultMessage) => T) => withImages.map((record) => pick(record.images as InspectionImages, record.message));
  return [
    cursor.partition, cursor.resumeOffset, cursor.countedTo, counts.from, cursor.cameras.map((c) => c.cameraId), cursor.cameras.map((c) => c.resumeSeq),
    bucket('cameraId'), bucket('lineId'), bucket('bucketStart'), bucket('received'), bucket('rejected'), bucket('dropped'), bucket('gaps'), bucket('duplicates'), bucket('late'), bucket('resyncs'),
    row('cameraId'), row('lineId'), row('fps'), row('latencyP50Ms'), row('latencyP99Ms'), row('alignmentConfidence'),
    column((m) => m.cameraId), column((m) => m.lineId), column((m) => m.seqStart), column((m) => m.seqEnd), column((m) => m.tsStart), column((m) => m.tsEnd),
    column((m) => m.verdict), column((m) => m.defectClass), column((m) => m.score), column((m) => m.threshold), column((_, r) => JSON.stringify(r.classScores)),
    column((m) => m.modelName), column((m) => Number(m.modelVersion)), column((m) => m.bbox?.x ?? null), column((m) => m.bbox?.y ?? null), column((m) => m.bbox?.w ?? null),
    column((m) => m.bbox?.h ?? null), column((_, r) => r.alignDx), column((_, r) => r.alignDy), column((m) => m.alignmentConfidence), column((m) => m.missingFrames), column((m) => m.latencyMs),
    image((_, m) => m.cameraId), image((_, m) => m.seqEnd), image((i) => i.framePng), image((i) => i.cropPng), image((i) => i.crop.x), image((i) => i.crop.y), image((i) => i.crop.w), image((i) => i.crop.h),
    image((i) => i.heatmapPng),
    cursor.cameras.map((c) => c.givenUp.join(',')),
  ];
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
