import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { HourlyCount } from '../../spc';
import { CAMERA_COUNTERS, CameraCounters } from '../ingest/camera-health';
import { Span } from './camera-window';

/** A subgroup as the database counts it; start/end in ms since epoch. */
export interface CountedSubgroup {
  startMs: number;
  endMs: number;
  inspected: number;
  defective: number;
}

/** One stored CameraHealth snapshot: live fps, capture-to-ingest latency and alignment. */
export interface CameraSnapshot {
  cameraId: string;
  lineId: string;
  takenAt: Date;
  fps: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  alignmentConfidence: number | null;
}

/** A camera's counts summed over whole buckets. */
export interface CameraCountSums {
  cameraId: string;
  /** The line of its latest bucket that knows it. */
  lineId: string | null;
  counts: CameraCounters;
}

export interface CameraInspectionStats {
  cameraId: string;
  lineId: string;
  inspections: number;
  defects: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  captureToVerdictP50Ms: number;
  captureToVerdictP99Ms: number;
  alignmentConfidenceMean: number;
  alignmentConfidenceMin: number;
  missingFrames: number;
}

export interface Range {
  from: string;
  to: string;
}

// A part counts as defective by its effective verdict: the engineer's label where there is one, else the model's.
const EFFECTIVE_DEFECT = `count(*) FILTER (WHERE COALESCE(l."verdict", i."verdict") = 'DEFECT')::int`;
// created_at is the verdict's row, written in the batch's transaction; ts the capture of the clip's last frame (camera clock).
const CAPTURE_TO_VERDICT_MS = `extract(epoch FROM i."created_at" - i."ts") * 1000`;
const FROM_INSPECTIONS = `FROM "defect"."inspection" i LEFT JOIN "defect"."inspection_label" l ON l."inspection_id" = i."id"`;

/** Counts behind yield, the p-chart and camera health, aggregated in Postgres. */
@Injectable()
export class QualityStatsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Inspections per line and whole UTC hour of capture. */
  async hourlyCounts(range: Range, line?: string): Promise<HourlyCount[]> {
    const rows = (await this.db.query(
      `SELECT i."line_id", (floor(extract(epoch FROM i."ts") / 3600) * 3600000)::bigint::text AS "hour_ms", count(*)::int AS "inspected", ${EFFECTIVE_DEFECT} AS "defective"
         ${FROM_INSPECTIONS} WHERE i."ts" >= $1::timestamptz AND i."ts" < $2::timestamptz AND ($3::text IS NULL OR i."line_id" = $3)
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [range.from, range.to, line ?? null],
    )) as { line_id: string; hour_ms: string; inspected: number; defective: number }[];
    return rows.map((row) => ({ line: row.line_id, hourMs: Number(row.hour_ms), inspected: row.inspected, defective: row.defective }));
  }

  /** A line's inspections in UTC buckets of `bucketMs` aligned to the epoch (so to midnight, for divisors of a day). */
  async timeSubgroups(range: Range, line: string, bucketMs: number): Promise<CountedSubgroup[]> {
    const rows = (await this.db.query(
      `SELECT (floor(extract(epoch FROM i."ts") * 1000 / $4) * $4)::bigint::text AS "start_ms", count(*)::int AS "inspected", ${EFFECTIVE_DEFECT} AS "defective"
         ${FROM_INSPECTIONS} WHERE i."line_id" = $3 AND i."ts" >= $1::timestamptz AND i."ts" < $2::timestamptz
        GROUP BY 1 ORDER BY 1`,
      [range.from, range.to, line, bucketMs],
    )) as { start_ms: string; inspected: number; defective: number }[];
    return rows.map((row) => ({ startMs: Number(row.start_ms), endMs: Number(row.start_ms) + bucketMs, inspected: row.inspected, defective: row.defective }));
  }

  /** A line's inspections in capture order, in runs of `size`; each run spans its first to its last capture. */
  async partSubgroups(range: Range, line: string, size: number): Promise<CountedSubgroup[]> {
    const rows = (await this.db.query(
      `SELECT (extract(epoch FROM min(o."ts")) * 1000)::bigint::text AS "start_ms", (extract(epoch FROM max(o."ts")) * 1000)::bigint::text AS "end_ms",
              count(*)::int AS "inspected", count(*) FILTER (WHERE o."defective")::int AS "defective"
         FROM (SELECT i."ts", COALESCE(l."verdict", i."verdict") = 'DEFECT' AS "defective", (row_number() OVER (ORDER BY i."ts", i."id") - 1) / $4 AS "run"
                 ${FROM_INSPECTIONS} WHERE i."line_id" = $3 AND i."ts" >= $1::timestamptz AND i."ts" < $2::timestamptz) o
        GROUP BY o."run" ORDER BY o."run"`,
      [range.from, range.to, line, size],
    )) as { start_ms: string; end_ms: string; inspected: number; defective: number }[];
    return rows.map((row) => ({ startMs: Number(row.start_ms), endMs: Number(row.end_ms), inspected: row.inspected, defective: row.defective }));
  }

  /** Each camera's last snapshot taken in (from, to]. */
  async latestSnapshots(range: Range, line?: string): Promise<CameraSnapshot[]> {
    const rows = (await this.db.query(
      `SELECT DISTINCT ON (h."camera_id") h."camera_id", h."line_id", h."taken_at", h."fps", h."latency_p50_ms", h."latency_p99_ms", h."alignment_confidence"
         FROM "defect"."camera_health" h
        WHERE h."taken_at" > $1::timestamptz AND h."taken_at" <= $2::timestamptz AND ($3::text IS NULL OR h."line_id" = $3)
        ORDER BY h."camera_id", h."taken_at" DESC, h."id" DESC`,
      [range.from, range.to, line ?? null],
    )) as SnapshotRow[];
    return rows.map((row) => ({
      cameraId: row.camera_id,
      lineId: row.line_id,
      takenAt: row.taken_at,
      fps: row.fps,
      latencyP50Ms: row.latency_p50_ms,
      latencyP99Ms: row.latency_p99_ms,
      alignmentConfidence: row.alignment_confidence,
    }));
  }

  /**
   * Per camera, its counts summed over the buckets that start in the span (whole buckets: see
   * countedSpan), on the line of its latest bucket that knows it (refused messages alone do not).
   */
  async cameraCounts(span: Span, line?: string): Promise<CameraCountSums[]> {
    const rows = (await this.db.query(
      `SELECT * FROM (
         SELECT c."camera_id", (array_agg(c."line_id" ORDER BY c."bucket_start" DESC) FILTER (WHERE c."line_id" IS NOT NULL))[1] AS "line_id",
                ${CAMERA_COUNTERS.map((name) => `sum(c."${name}")::bigint::text AS "${name}"`).join(', ')}
           FROM "defect"."camera_count" c
          WHERE c."bucket_start" >= 'epoch'::timestamptz + $1::bigint * interval '1 millisecond'
            AND c."bucket_start" < 'epoch'::timestamptz + $2::bigint * interval '1 millisecond'
          GROUP BY c."camera_id") s
        WHERE $3::text IS NULL OR s."line_id" = $3
        ORDER BY s."camera_id"`,
      [span.fromMs, span.toMs, line ?? null],
    )) as ({ camera_id: string; line_id: string | null } & Record<(typeof CAMERA_COUNTERS)[number], string>)[];
    return rows.map((row) => ({
      cameraId: row.camera_id,
      lineId: row.line_id,
      counts: Object.fromEntries(CAMERA_COUNTERS.map((name) => [name, Number(row[name])])) as CameraCounters,
    }));
  }

  /**
   * Per camera, over its inspections captured in the range: latency quantiles (the pipeline's own,
   * last frame in to verdict stored, and capture of the last frame to the verdict's row, which adds
   * the transport and the reorder wait) and alignment.
   */
  async cameraInspectionStats(range: Range, line?: string): Promise<CameraInspectionStats[]> {
    const rows = (await this.db.query(
      `SELECT i."camera_id", max(i."line_id") AS "line_id", count(*)::int AS "inspections", count(*) FILTER (WHERE i."verdict" = 'DEFECT')::int AS "defects",
              percentile_cont(0.5) WITHIN GROUP (ORDER BY i."latency_ms") AS "p50", percentile_cont(0.99) WITHIN GROUP (ORDER BY i."latency_ms") AS "p99",
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ${CAPTURE_TO_VERDICT_MS}) AS "capture_p50", percentile_cont(0.99) WITHIN GROUP (ORDER BY ${CAPTURE_TO_VERDICT_MS}) AS "capture_p99",
              avg(i."align_confidence") AS "align_mean", min(i."align_confidence") AS "align_min", sum(i."missing_frames")::int AS "missing_frames"
         FROM "defect"."inspection" i WHERE i."ts" >= $1::timestamptz AND i."ts" < $2::timestamptz AND ($3::text IS NULL OR i."line_id" = $3)
        GROUP BY i."camera_id" ORDER BY i."camera_id"`,
      [range.from, range.to, line ?? null],
    )) as {
      camera_id: string;
      line_id: string;
      inspections: number;
      defects: number;
      p50: number;
      p99: number;
      capture_p50: number;
      capture_p99: number;
      align_mean: number;
      align_min: number;
      missing_frames: number;
    }[];
    return rows.map((row) => ({
      cameraId: row.camera_id,
      lineId: row.line_id,
      inspections: row.inspections,
      defects: row.defects,
      latencyP50Ms: row.p50,
      latencyP99Ms: row.p99,
      captureToVerdictP50Ms: row.capture_p50,
      captureToVerdictP99Ms: row.capture_p99,
      alignmentConfidenceMean: row.align_mean,
      alignmentConfidenceMin: row.align_min,
      missingFrames: row.missing_frames,
    }));
  }
}

interface SnapshotRow {
  camera_id: string;
  line_id: string;
  taken_at: Date;
  fps: number;
  latency_p50_ms: number | null;
  latency_p99_ms: number | null;
  alignment_confidence: number | null;
}
