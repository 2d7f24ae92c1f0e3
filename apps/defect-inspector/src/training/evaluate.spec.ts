import { boxCoverage } from '@vigil/core-ml';

import { ClipRecord, INSPECTOR_CLASSES } from './dataset';
import { evaluateModel } from './evaluate';

const shape = { classes: INSPECTOR_CLASSES.length, heatHeight: 32, heatWidth: 32, frameWidth: 160, frameHeight: 120 };
const cells = 32 * 32;

function record(label: (typeof INSPECTOR_CLASSES)[number], bbox: ClipRecord['bbox']): ClipRecord {
  const classIndex = INSPECTOR_CLASSES.indexOf(label);
  return { camera: 'CAM-01', part: 0, seqStart: 0, seqEnd: 7, label, classIndex, temporal: label === 'flicker' || label === 'wobble' || label === 'slip', bbox };
}

describe(evaluateModel.name, () => {
  // Two scratches (one heatmap exact, one empty), a dent found exactly, an OK clip; every clip called by its class.
  const box = { x: 40, y: 30, w: 20, h: 15 };
  const records = [record('scratch', box), record('scratch', box), record('dent', box), record('OK', null)];
  const logits = new Float32Array(records.length * shape.classes);
  records.forEach((r, i) => (logits[i * shape.classes + r.classIndex] = 10));
  const heatmaps = new Float32Array(records.length * cells);
  heatmaps.set(boxCoverage(box, 32, 32, 160, 120), 0);
  heatmaps.set(boxCoverage(box, 32, 32, 160, 120), 2 * cells);
  const report = evaluateModel('m', logits, heatmaps, records, shape);

  it('scores localisation overall and per static class', () => {
    expect(report.localisation).toMatchObject({ detected: 3, share: 2 / 3 });
    const perClass = Object.fromEntries(report.localisation.perClass.map((c) => [c.label, c]));
    expect(Object.keys(perClass)).toEqual(['scratch', 'dent', 'crack', 'missing-feature']);
    expect(perClass.scratch).toMatchObject({ detected: 2, share: 0.5 });
    expect(perClass.dent.share).toBe(1);
    expect(perClass.dent.medianIou).toBeCloseTo(1, 6);
    expect(perClass.dent.medianWidthRatio).toBeCloseTo(1, 6);
    expect(perClass.dent.medianHeightRatio).toBeCloseTo(1, 6);
    expect(perClass.dent.medianCentreOffset).toBeCloseTo(0, 6);
    // The empty scratch heatmap counts against the share but has no box to measure.
    expect(perClass.scratch.medianWidthRatio).toBeCloseTo(1, 6);
    expect(perClass.crack.detected).toBe(0);
    expect(perClass.crack.share).toBeNaN();
  });

  it('refuses outputs that do not match the records', () => {
    expect(() => evaluateModel('m', logits.subarray(1), heatmaps, records, shape)).toThrow(/logits holds/);
  });
});
