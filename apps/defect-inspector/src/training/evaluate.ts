import { boxIou, heatmapToBox, PixelBox, PrPoint, precisionRecallCurve, rocAuc } from '@vigil/core-ml';

import { ClipRecord, INSPECTOR_CLASSES, isStatic } from './dataset';

/** A clip is a DEFECT when 1 − P(OK) reaches this (the argmax-free verdict serving uses). */
export const DEFECT_THRESHOLD = 0.5;
/** A static defect counts as localised when its box overlaps the truth by this much. */
export const IOU_TARGET = 0.5;

export interface ClassReport {
  label: string;
  clips: number;
  /** Share of its clips whose top class is this one. */
  recall: number;
  /** Share of its clips with a DEFECT verdict (for OK: the false-alarm rate). */
  flagged: number;
}

export interface ModelReport {
  name: string;
  clips: number;
  /** Defect vs OK, scored by 1 − P(OK). */
  auroc: number;
  /** Top class right, over all clips. */
  accuracy: number;
  perClass: ClassReport[];
  /** Shares of static / temporal defect clips with a DEFECT verdict, and of OK clips with one. */
  staticRecall: number;
  temporalRecall: number;
  falseAlarmRate: number;
  /** Static defect clips with a DEFECT verdict, the share whose heatmap box has IoU ≥ IOU_TARGET with the truth, and the median IoU; also per static class. */
  localisation: Localisation & { perClass: (Localisation & { label: string })[] };
  /** Precision-recall of defect vs OK, for the plot. */
  curve: PrPoint[];
}

export interface Localisation {
  detected: number;
  share: number;
  medianIou: number;
  /** Where boxes go wrong: medians of predicted / true width and height, and of the centres' distance in pixels (boxes found). */
  medianWidthRatio: number;
  medianHeightRatio: number;
  medianCentreOffset: number;
}

interface BoxOutcome {
  label: string;
  iou: number;
  box: PixelBox | null;
  truth: PixelBox;
}

export interface OutputShape {
  classes: number;
  heatHeight: number;
  heatWidth: number;
  frameWidth: number;
  frameHeight: number;
}

/** Defect probability 1 − P(OK) per clip, from logits [M, C] (a stable softmax). */
export function defectScores(logits: Float32Array, classes: number): Float64Array {
  const rows = logits.length / classes;
  return Float64Array.from({ length: rows }, (_, i) => {
    const row = logits.subarray(i * classes, (i + 1) * classes);
    const max = Math.max(...row);
    let sum = 0;
    for (const z of row) sum += Math.exp(z - max);
    return 1 - Math.exp(row[0] - max) / sum;
  });
}

/** How a model did on held-out clips, from its outputs (logits [M, C], heatmaps [M, h, w]). */
export function evaluateModel(name: string, logits: Float32Array, heatmaps: Float32Array, records: readonly ClipRecord[], shape: OutputShape): ModelReport {
  const { classes, heatHeight, heatWidth } = shape;
  const m = records.length;
  if (logits.length !== m * classes) throw new RangeError(`evaluateModel: logits holds ${logits.length} values for ${m} clips × ${classes} classes`);
  if (heatmaps.length !== m * heatHeight * heatWidth) throw new RangeError(`evaluateModel: heatmaps holds ${heatmaps.length} values for ${m} clips × ${heatHeight}×${heatWidth}`);
  const scores = defectScores(logits, classes);
  const labels = records.map((r) => (r.classIndex === 0 ? 0 : 1));
  const top = records.map((_, i) => {
    const row = Array.from(logits.subarray(i * classes, (i + 1) * classes));
    return row.indexOf(Math.max(...row));
  });
  const flagged = (i: number): boolean => scores[i] >= DEFECT_THRESHOLD;
  const share = (pick: (r: ClipRecord) => boolean, hit: (i: number) => boolean): number => {
    const idx = records.map((r, i) => (pick(r) ? i : -1)).filter((i) => i >= 0);
    return idx.length === 0 ? NaN : idx.filter(hit).length / idx.length;
  };

  const outcomes: BoxOutcome[] = [];
  records.forEach((r, i) => {
    if (!isStatic(r.label) || !flagged(i) || r.bbox === null) return;
    const box = heatmapToBox(heatmaps.subarray(i * heatHeight * heatWidth, (i + 1) * heatHeight * heatWidth), heatHeight, heatWidth, shape.frameWidth, shape.frameHeight);
    outcomes.push({ label: r.label, iou: box ? boxIou(box, r.bbox) : 0, box, truth: r.bbox });
  });
  const staticLabels = INSPECTOR_CLASSES.filter(isStatic);

  return {
    name,
    clips: m,
    auroc: rocAuc(scores, labels),
    accuracy: top.filter((t, i) => t === records[i].classIndex).length / m,
    perClass: INSPECTOR_CLASSES.map((label, c) => ({
      label,
      clips: records.filter((r) => r.classIndex === c).length,
      recall: share((r) => r.classIndex === c, (i) => top[i] === c),
      flagged: share((r) => r.classIndex === c, flagged),
    })),
    staticRecall: share((r) => isStatic(r.label), flagged),
    temporalRecall: share((r) => r.temporal, flagged),
    falseAlarmRate: share((r) => r.classIndex === 0, flagged),
    localisation: {
      ...localisation(outcomes),
      perClass: staticLabels.map((label) => ({ label, ...localisation(outcomes.filter((v) => v.label === label)) })),
    },
    curve: precisionRecallCurve(scores, labels),
  };
}

function localisation(outcomes: readonly BoxOutcome[]): Localisation {
  const found = outcomes.flatMap(({ box, truth }) => (box === null ? [] : [{ box, truth }]));
  const centre = (b: PixelBox): [number, number] => [b.x + b.w / 2, b.y + b.h / 2];
  return {
    detected: outcomes.length,
    share: outcomes.length === 0 ? NaN : outcomes.filter((v) => v.iou >= IOU_TARGET).length / outcomes.length,
    medianIou: median(outcomes.map((v) => v.iou)),
    medianWidthRatio: median(found.map(({ box, truth }) => box.w / truth.w)),
    medianHeightRatio: median(found.map(({ box, truth }) => box.h / truth.h)),
    medianCentreOffset: median(found.map(({ box, truth }) => Math.hypot(centre(box)[0] - centre(truth)[0], centre(box)[1] - centre(truth)[1]))),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
}
