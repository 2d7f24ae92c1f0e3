import { Injectable } from '@nestjs/common';
import { AuditLog, AuthenticatedUser, Page } from '@vigil/platform';

import { DEFAULT_SHIFTS, LineYield, parseSubgroup, pChart, PChart, ShiftDefinition, SubgroupSpec, yieldByLineAndShift } from '../../spc';
import { CameraCounters } from '../ingest/camera-health';
import { countedSpan, meanFps } from './camera-window';
import { Clock } from './clock';
import { CameraHealthQueryDto, ImageKind, InspectionFilterDto, InspectionQueryDto, PChartQueryDto, TimeRangeDto, Verdict, YieldQueryDto } from './dto/quality-query.dto';
import { Relabel, RelabelDto } from './dto/relabel.dto';
import { decodeStoredPng, encodeImagePng, overlayHeatmap, pngSize } from './heatmap-overlay';
import { Inspection, InspectionRepository } from './inspection.repository';
import { qualityError, QualityErrorCode } from './quality.exception';
import { CameraInspectionStats, CountedSubgroup, QualityStatsRepository, Range } from './quality-stats.repository';

const DAY_MS = 86_400_000;
const MAX_RANGE_MS = 366 * DAY_MS;
const MAX_CHART_POINTS = 5_000;
const DEFAULT_HEALTH_WINDOW_MS = 3_600_000;

export interface GalleryItem extends Inspection {
  /** Relative URLs of this inspection's PNGs (bearer token required, like every route). */
  images: Record<ImageKind, string>;
}

export interface YieldReport {
  from: string;
  to: string;
  shifts: readonly ShiftDefinition[];
  lines: LineYield[];
}

export interface PChartReport extends PChart {
  line: string;
  from: string;
  to: string;
  subgroup: string;
}

export interface CameraHealthReport {
  cameraId: string;
  /** Null only for a camera known from refused messages alone. */
  lineId: string | null;
  /** The pipeline's last snapshot in the window: live fps, capture-to-ingest latency, alignment confidence. */
  latest: { takenAt: string; fps: number; latencyP50Ms: number | null; latencyP99Ms: number | null; alignmentConfidence: number | null } | null;
  /**
   * Frames received, rejected, dropped, gaps, duplicates, late and resyncs by Kafka time in
   * [from, to) (the window's whole 10 s buckets), exactly, and the mean fps over that span; null when
   * the camera counted nothing in it.
   */
  counts: (CameraCounters & { from: string; to: string; fps: number }) | null;
  /**
   * From the inspections captured in the window (stored with them, so exact): the pipeline's latency
   * (last frame in to verdict stored), capture of the last frame to verdict stored, and alignment.
   */
  inspections: (Omit<CameraInspectionStats, 'cameraId' | 'lineId' | 'inspections'> & { count: number }) | null;
}

/** What quality engineers read and correct: inspections, the gallery, yield, the p-chart, camera health, relabels. */
@Injectable()
export class QualityService {
  constructor(
    private readonly inspections: InspectionRepository,
    private readonly stats: QualityStatsRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async list(query: InspectionQueryDto): Promise<Page<Inspection>> {
    this.optionalRange(query.from, query.to);
    return (await this.inspections.list(query)) ?? this.fail(QualityErrorCode.BadCursor, '');
  }

  async detail(id: string): Promise<Inspection> {
    return (await this.inspections.find(id)) ?? this.fail(QualityErrorCode.InspectionNotFound, id);
  }

  /** DEFECT verdicts with stored images, newest first. */
  async gallery(query: InspectionFilterDto): Promise<Page<GalleryItem>> {
    this.optionalRange(query.from, query.to);
    const page = (await this.inspections.list({ ...query, verdict: 'DEFECT', withImages: true })) ?? this.fail(QualityErrorCode.BadCursor, '');
    return {
      nextCursor: page.nextCursor,
      items: page.items.map((item) => {
        const url = `/inspections/${item.id}/image`;
        return { ...item, images: { overlay: url, crop: `${url}?kind=crop`, heatmap: `${url}?kind=heatmap`, frame: `${url}?kind=frame` } };
      }),
    };
  }

  /** A PNG: the crop with its heatmap overlaid, or one of the stored images as it is. */
  async image(id: string, kind: ImageKind, scale: number): Promise<Buffer> {
    const images = await this.inspections.images(id);
    if (images === undefined) {
      const exists = await this.inspections.find(id);
      return this.fail(exists ? QualityErrorCode.ImagesNotFound : QualityErrorCode.InspectionNotFound, id);
    }
    switch (kind) {
      case 'crop':
        return images.cropPng;
      case 'heatmap':
        return images.heatmapPng;
      case 'frame':
        return images.framePng;
      case 'overlay':
        return encodeImagePng(
          overlayHeatmap({ crop: decodeStoredPng(images.cropPng), rect: images.crop, frame: pngSize(images.framePng), heatmap: decodeStoredPng(images.heatmapPng), scale }),
        );
    }
  }

  /** First-pass yield per line and shift, by effective verdict (an engineer's label overrides the model). */
  async yield(query: YieldQueryDto): Promise<YieldReport> {
    const range = this.range(query);
    return { ...range, shifts: DEFAULT_SHIFTS, lines: yieldByLineAndShift(await this.stats.hourlyCounts(range, query.line), DEFAULT_SHIFTS) };
  }

  /** The line's p-chart over the range, by effective verdict, with its Western Electric alarms. */
  async pChart(query: PChartQueryDto): Promise<PChartReport> {
    const range = this.range(query);
    const spec = this.subgroupSpec(query.subgroup);
    const span = Date.parse(range.to) - Date.parse(range.from);
    if (spec.kind === 'time' && span / spec.ms > MAX_CHART_POINTS) {
      this.fail(QualityErrorCode.BadSubgroup, `subgroup ${query.subgroup} over this range gives more than ${MAX_CHART_POINTS} points; use a longer subgroup or a shorter range`);
    }
    const subgroups = await this.subgroups(range, query.line, spec);
    if (subgroups.length > MAX_CHART_POINTS) {
      this.fail(QualityErrorCode.BadSubgroup, `subgroup ${query.subgroup} over this range gives ${subgroups.length} points, more than ${MAX_CHART_POINTS}; use larger subgroups or a shorter range`);
    }
    const chart = pChart(subgroups.map((s) => ({ start: new Date(s.startMs).toISOString(), end: new Date(s.endMs).toISOString(), inspected: s.inspected, defective: s.defective })));
    return { line: query.line, ...range, subgroup: query.subgroup, ...chart };
  }

  /** Per camera over a window (default: the hour up to now): its stored counts, its latest health snapshot and the inspections' own figures. */
  async cameraHealth(query: CameraHealthQueryDto): Promise<{ from: string; to: string; cameras: CameraHealthReport[] }> {
    const toMs = query.to === undefined ? this.clock.now() : Date.parse(query.to);
    const range = this.range({ from: query.from ?? new Date(toMs - DEFAULT_HEALTH_WINDOW_MS).toISOString(), to: new Date(toMs).toISOString() });
    const span = countedSpan(Date.parse(range.from), toMs);
    const [snapshots, counted, stats] = await Promise.all([
      this.stats.latestSnapshots(range, query.line),
      span === undefined ? [] : this.stats.cameraCounts(span, query.line),
      this.stats.cameraInspectionStats(range, query.line),
    ]);
    const cameras = [...new Set([...snapshots, ...counted, ...stats].map((s) => s.cameraId))].sort();
    return {
      ...range,
      cameras: cameras.map((cameraId) => {
        const last = snapshots.find((s) => s.cameraId === cameraId);
        const sums = counted.find((s) => s.cameraId === cameraId);
        const inspected = stats.find((s) => s.cameraId === cameraId);
        return {
          cameraId,
          lineId: last?.lineId ?? inspected?.lineId ?? sums?.lineId ?? null,
          latest: last
            ? { takenAt: last.takenAt.toISOString(), fps: last.fps, latencyP50Ms: last.latencyP50Ms, latencyP99Ms: last.latencyP99Ms, alignmentConfidence: last.alignmentConfidence }
            : null,
          counts:
            sums === undefined || span === undefined
              ? null
              : { from: new Date(span.fromMs).toISOString(), to: new Date(span.toMs).toISOString(), fps: meanFps(sums.counts.received, span), ...sums.counts },
          inspections: inspected ? inspectionFigures(inspected) : null,
        };
      }),
    };
  }

  /** An engineer corrects a verdict; stored as the inspection's training label and audited in the same transaction. */
  async relabel(id: string, change: RelabelDto, user: AuthenticatedUser): Promise<Inspection> {
    const inspection = (await this.inspections.find(id)) ?? this.fail(QualityErrorCode.InspectionNotFound, id);
    const meaning = labelMeaning(change.label, inspection.verdict) ?? this.fail(QualityErrorCode.LabelDoesNotApply, `${change.label} does not apply to inspection ${id}: the model's verdict was ${inspection.verdict}`);
    const updated = await this.inspections.relabel(id, { label: change.label, ...meaning, note: change.note ?? null }, user.username, (manager) =>
      this.audit.record(
        user,
        { action: 'inspection.relabel', subjectType: 'inspection', subjectId: id, details: { ...change, modelVerdict: inspection.verdict, modelClass: inspection.defectClass } },
        manager,
      ),
    );
    return updated ?? this.fail(QualityErrorCode.InspectionNotFound, id);
  }

  private async subgroups(range: Range, line: string, spec: SubgroupSpec): Promise<CountedSubgroup[]> {
    switch (spec.kind) {
      case 'time':
        return this.stats.timeSubgroups(range, line, spec.ms);
      case 'parts':
        return this.stats.partSubgroups(range, line, spec.size);
      case 'shift': {
        const [lineYield] = yieldByLineAndShift(await this.stats.hourlyCounts(range, line), DEFAULT_SHIFTS);
        return (lineYield?.shifts ?? []).map((s) => ({ startMs: Date.parse(s.start), endMs: Date.parse(s.end), inspected: s.inspected, defective: s.defective }));
      }
    }
  }

  private subgroupSpec(subgroup: string): SubgroupSpec {
    try {
      return parseSubgroup(subgroup);
    } catch (error) {
      return this.fail(QualityErrorCode.BadSubgroup, (error as Error).message);
    }
  }

  /** from < to, at most a year apart, normalised to ISO-8601 UTC. */
  private range({ from, to }: TimeRangeDto): Range {
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    if (!(fromMs < toMs)) this.fail(QualityErrorCode.BadRange, `from (${from}) must be before to (${to})`);
    if (toMs - fromMs > MAX_RANGE_MS) this.fail(QualityErrorCode.BadRange, `from .. to spans more than ${MAX_RANGE_MS / DAY_MS} days`);
    return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
  }

  private optionalRange(from?: string, to?: string): void {
    if (from !== undefined && to !== undefined && !(Date.parse(from) < Date.parse(to))) this.fail(QualityErrorCode.BadRange, `from (${from}) must be before to (${to})`);
  }

  private fail(code: QualityErrorCode, detail: string): never {
    throw qualityError(code, detail);
  }
}

/** What a label says the truth is; undefined where it cannot correct the model's verdict (FALSE_POSITIVE of an OK, MISSED_DEFECT of a DEFECT). */
export function labelMeaning(label: Relabel, modelVerdict: Verdict): { verdict: Verdict; defectClass: string | null } | undefined {
  switch (label) {
    case 'FALSE_POSITIVE':
      return modelVerdict === 'DEFECT' ? { verdict: 'OK', defectClass: null } : undefined;
    case 'MISSED_DEFECT':
      return modelVerdict === 'OK' ? { verdict: 'DEFECT', defectClass: null } : undefined;
    default:
      return { verdict: 'DEFECT', defectClass: label };
  }
}

/** A camera's stored-inspection figures as the health response names them. */
function inspectionFigures(stats: CameraInspectionStats): CameraHealthReport['inspections'] {
  // The rest pattern drops the identity fields; the count is renamed.
  const { cameraId, lineId, inspections, ...figures } = stats;
  return { count: inspections, ...figures };
}
