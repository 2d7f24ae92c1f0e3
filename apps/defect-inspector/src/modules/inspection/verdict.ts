import { heatmapToBox, type PixelBox } from '@vigil/core-ml';

import type { InspectorManifest } from './inspector-manifest';

export interface ClipVerdict {
  verdict: 'OK' | 'DEFECT';
  /** The most likely defect class for a DEFECT, null for OK. */
  defectClass: string | null;
  /** 1 − P(OK), as the model card scores clips. */
  score: number;
  /** Softmax probability per class name. */
  classScores: Record<string, number>;
  /** In whole pixels of the clip's last frame; null for OK or an all-zero heatmap. */
  bbox: PixelBox | null;
}

/**
 * One clip's verdict from its logits row and heatmap [heatHeight × heatWidth] (which covers the
 * whole last frame, frameWidth × frameHeight): the card's rule, DEFECT at 1 − P(OK) ≥ threshold,
 * the defect class the highest non-OK probability, the box read off the heatmap and rounded
 * outwards to whole pixels inside the frame.
 */
export function clipVerdict(logits: ArrayLike<number>, heatmap: ArrayLike<number>, manifest: InspectorManifest, frameWidth: number, frameHeight: number): ClipVerdict {
  const { classes, defectThreshold, heatWidth, heatHeight } = manifest;
  if (logits.length !== classes.length) throw new RangeError(`clipVerdict: logits hold ${logits.length} values for ${classes.length} classes`);
  let max = -Infinity;
  for (let c = 0; c < logits.length; c++) max = Math.max(max, logits[c]);
  const exp = Array.from(logits, (v) => Math.exp(v - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  const probabilities = exp.map((e) => e / sum);
  const classScores = Object.fromEntries(classes.map((name, c) => [name, probabilities[c]]));
  const score = Math.min(1, Math.max(0, 1 - probabilities[0]));
  if (!(score >= defectThreshold)) return { verdict: 'OK', defectClass: null, score, classScores, bbox: null };
  let top = 1;
  for (let c = 2; c < classes.length; c++) if (probabilities[c] > probabilities[top]) top = c;
  const box = heatmapToBox(heatmap, heatHeight, heatWidth, frameWidth, frameHeight);
  return { verdict: 'DEFECT', defectClass: classes[top], score, classScores, bbox: box === null ? null : wholePixels(box, frameWidth, frameHeight) };
}

function wholePixels(box: PixelBox, frameWidth: number, frameHeight: number): PixelBox {
  const x = Math.min(frameWidth - 1, Math.max(0, Math.floor(box.x)));
  const y = Math.min(frameHeight - 1, Math.max(0, Math.floor(box.y)));
  const right = Math.min(frameWidth, Math.max(x + 1, Math.ceil(box.x + box.w)));
  const bottom = Math.min(frameHeight, Math.max(y + 1, Math.ceil(box.y + box.h)));
  return { x, y, w: right - x, h: bottom - y };
}
