import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { decodeCursor, encodeCursor, Page, SqlConditions } from '@vigil/platform';
import { DataSource, EntityManager } from 'typeorm';

import { InspectionFilterDto, Verdict } from './dto/quality-query.dto';

export interface InspectionLabel {
  label: string;
  verdict: Verdict;
  defectClass: string | null;
  note: string | null;
  by: string;
  at: string;
}

export interface Inspection {
  id: string;
  cameraId: string;
  lineId: string;
  seqStart: number;
  seqEnd: number;
  /** Capture times of the clip's first and last frame, ISO-8601 to the microsecond. */
  tsStart: string;
  tsEnd: string;
  verdict: Verdict;
  defectClass: string | null;
  score: number;
  threshold: number;
  classScores: unknown;
  model: { name: string; version: number };
  bbox: { x: number; y: number; w: number; h: number } | null;
  alignment: { dx: number; dy: number; confidence: number };
  missingFrames: number;
  latencyMs: number;
  createdAt: string;
  hasImages: boolean;
  /** An engineer's correction, when there is one. */
  label: InspectionLabel | null;
}

export interface InspectionImages {
  framePng: Buffer;
  cropPng: Buffer;
  crop: { x: number; y: number; w: number; h: number };
  heatmapPng: Buffer;
}

export interface ListFilters extends InspectionFilterDto {
  verdict?: Verdict;
  /** Only inspections with stored images (the gallery). */
  withImages?: boolean;
}

/** Reads inspections and stores engineers' labels (STYLE R2: the service sees this port, not SQL). */
@Injectable()
export class InspectionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Keyset-paginated, newest capture first, id breaking ties. */
  async list(filters: ListFilters): Promise<Page<Inspection> | undefined> {
    const sql = new SqlConditions();
    if (filters.line) sql.where(`i."line_id" = ${sql.param(filters.line)}`);
    if (filters.camera) sql.where(`i."camera_id" = ${sql.param(filters.camera)}`);
    if (filters.class) sql.where(`i."defect_class" = ${sql.param(filters.class)}`);
    if (filters.verdict) sql.where(`i."verdict" = ${sql.param(filters.verdict)}`);
    if (filters.modelVersion !== undefined) sql.where(`i."model_version" = ${sql.param(filters.modelVersion)}`);
    if (filters.from) sql.where(`i."ts" >= ${sql.param(filters.from)}::timestamptz`);
    if (filters.to) sql.where(`i."ts" < ${sql.param(filters.to)}::timestamptz`);
    if (filters.withImages) sql.where(`EXISTS (SELECT 1 FROM "defect"."inspection_image" m WHERE m."inspection_id" = i."id")`);
    if (filters.cursor) {
      const key = decodeCursor(filters.cursor, ['string', 'string']);
      if (key === undefined || !CURSOR_TIME.test(String(key[0])) || !/^\d{1,19}$/.test(String(key[1]))) return undefined;
      sql.where(`(i."ts", i."id") < (${sql.param(key[0])}::timestamptz, ${sql.param(key[1])}::bigint)`);
    }
    const rows = (await this.db.query(
      `SELECT ${INSPECTION_COLUMNS} FROM "defect"."inspection" i LEFT JOIN "defect"."inspection_label" l ON l."inspection_id" = i."id"
        ${sql.clause} ORDER BY i."ts" DESC, i."id" DESC LIMIT ${sql.param(filters.limit + 1)}`,
      sql.params,
    )) as InspectionRow[];
    const last = rows.length > filters.limit ? rows[filters.limit - 1] : undefined;
    return { items: rows.slice(0, filters.limit).map(toInspection), nextCursor: last ? encodeCursor([last.ts_key, last.id]) : null };
  }

  async find(id: string, manager: EntityManager = this.db.manager): Promise<Inspection | undefined> {
    const [row] = (await manager.query(
      `SELECT ${INSPECTION_COLUMNS} FROM "defect"."inspection" i LEFT JOIN "defect"."inspection_label" l ON l."inspection_id" = i."id" WHERE i."id" = $1`,
      [id],
    )) as InspectionRow[];
    return row && toInspection(row);
  }

  async images(id: string): Promise<InspectionImages | undefined> {
    const [row] = (await this.db.query(
      `SELECT "frame_png", "crop_png", "crop_x", "crop_y", "crop_w", "crop_h", "heatmap_png" FROM "defect"."inspection_image" WHERE "inspection_id" = $1`,
      [id],
    )) as { frame_png: Buffer; crop_png: Buffer; crop_x: number; crop_y: number; crop_w: number; crop_h: number; heatmap_png: Buffer }[];
    return row && { framePng: row.frame_png, cropPng: row.crop_png, crop: { x: row.crop_x, y: row.crop_y, w: row.crop_w, h: row.crop_h }, heatmapPng: row.heatmap_png };
  }

  /** Stores the label (superseding an earlier one) and runs `run` (the audit) in the same transaction. */
  async relabel(
    id: string,
    label: { label: string; verdict: Verdict; defectClass: string | null; note: string | null },
    by: string,
    run: (manager: EntityManager) => Promise<void>,
  ): Promise<Inspection | undefined> {
    return this.db.transaction(async (manager) => {
      const inserted = (await manager.query(
        `INSERT INTO "defect"."inspection_label" ("inspection_id", "label", "verdict", "defect_class", "note", "created_by")
         SELECT i."id", $2, $3, $4, $5, $6 FROM "defect"."inspection" i WHERE i."id" = $1
         ON CONFLICT ("inspection_id") DO UPDATE SET "label" = EXCLUDED."label", "verdict" = EXCLUDED."verdict", "defect_class" = EXCLUDED."defect_class",
           "note" = EXCLUDED."note", "created_by" = EXCLUDED."created_by", "created_at" = now()
         RETURNING "inspection_id"`,
        [id, label.label, label.verdict, label.defectClass, label.note, by],
      )) as unknown[];
      if (inserted.length === 0) return undefined;
      await run(manager);
      return this.find(id, manager);
    });
  }
}

// Capture times carry microseconds (frames are stamped in µs); a JS Date would round them to the
// millisecond, and a cursor on a rounded time would repeat or skip clips of the same millisecond.
const MICROSECONDS = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const INSPECTION_COLUMNS = `i."id"::text AS "id", i."camera_id", i."line_id", i."seq_start"::text AS "seq_start", i."seq_end"::text AS "seq_end",
  to_char(i."ts_start" AT TIME ZONE 'UTC', ${MICROSECONDS}) AS "ts_start_key", to_char(i."ts" AT TIME ZONE 'UTC', ${MICROSECONDS}) AS "ts_key",
  i."verdict", i."defect_class", i."score", i."threshold", i."class_scores", i."model_name", i."model_version",
  i."bbox_x", i."bbox_y", i."bbox_w", i."bbox_h", i."align_dx", i."align_dy", i."align_confidence", i."missing_frames", i."latency_ms", i."created_at",
  EXISTS (SELECT 1 FROM "defect"."inspection_image" m WHERE m."inspection_id" = i."id") AS "has_images",
  l."label", l."verdict" AS "label_verdict", l."defect_class" AS "label_class", l."note" AS "label_note", l."created_by" AS "label_by", l."created_at" AS "label_at"`;

interface InspectionRow {
  id: string;
  camera_id: string;
  line_id: string;
  seq_start: string;
  seq_end: string;
  ts_start_key: string;
  ts_key: string;
  verdict: Verdict;
  defect_class: string | null;
  score: number;
  threshold: number;
  class_scores: unknown;
  model_name: string;
  model_version: number;
  bbox_x: number | null;
  bbox_y: number | null;
  bbox_w: number | null;
  bbox_h: number | null;
  align_dx: number;
  align_dy: number;
  align_confidence: number;
  missing_frames: number;
  latency_ms: number;
  created_at: Date;
  has_images: boolean;
  label: string | null;
  label_verdict: Verdict | null;
  label_class: string | null;
  label_note: string | null;
  label_by: string | null;
  label_at: Date | null;
}

function toInspection(row: InspectionRow): Inspection {
  return {
    id: row.id,
    cameraId: row.camera_id,
    lineId: row.line_id,
    seqStart: Number(row.seq_start),
    seqEnd: Number(row.seq_end),
    tsStart: row.ts_start_key,
    tsEnd: row.ts_key,
    verdict: row.verdict,
    defectClass: row.defect_class,
    score: row.score,
    threshold: row.threshold,
    classScores: row.class_scores,
    model: { name: row.model_name, version: row.model_version },
    bbox: row.bbox_x === null ? null : { x: row.bbox_x, y: row.bbox_y ?? 0, w: row.bbox_w ?? 0, h: row.bbox_h ?? 0 },
    alignment: { dx: row.align_dx, dy: row.align_dy, confidence: row.align_confidence },
    missingFrames: row.missing_frames,
    latencyMs: row.latency_ms,
    createdAt: row.created_at.toISOString(),
    hasImages: row.has_images,
    label:
      row.label === null
        ? null
        : { label: row.label, verdict: row.label_verdict ?? 'OK', defectClass: row.label_class, note: row.label_note, by: row.label_by ?? '', at: row.label_at?.toISOString() ?? '' },
  };
}
