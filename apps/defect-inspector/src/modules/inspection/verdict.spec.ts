import { InspectorManifest, parseInspectorManifest } from './inspector-manifest';
import { clipVerdict } from './verdict';

const MANIFEST: InspectorManifest = { classes: ['OK', 'scratch', 'wobble'], frames: 8, inputWidth: 64, inputHeight: 64, heatWidth: 4, heatHeight: 4, defectThreshold: 0.5 };

/** A 4 × 4 heatmap fully covering cells (row 1..2, column 2). */
const HEAT = Float32Array.from({ length: 16 }, (_, i) => (Math.floor(i / 4) >= 1 && Math.floor(i / 4) <= 2 && i % 4 === 2 ? 1 : 0));

describe('clipVerdict', () => {
  it('is OK below the threshold, with no class and no box', () => {
    const verdict = clipVerdict([2, 0, 1], HEAT, MANIFEST, 160, 120);

    expect(verdict).toMatchObject({ verdict: 'OK', defectClass: null, bbox: null });
    expect(verdict.score).toBeCloseTo(1 - Math.exp(2) / (Math.exp(2) + 1 + Math.exp(1)), 12);
    expect(Object.values(verdict.classScores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('is a DEFECT of the likeliest defect class at the threshold, boxed in frame pixels', () => {
    const verdict = clipVerdict([0, 0.2, 1.5], HEAT, MANIFEST, 160, 120);

    // Cells are 40 × 30 px: column 2 is x 80..120, rows 1..2 are y 30..90.
    expect(verdict).toMatchObject({ verdict: 'DEFECT', defectClass: 'wobble', bbox: { x: 80, y: 30, w: 40, h: 60 } });
  });

  it('refuses logits that do not match the classes', () => {
    expect(() => clipVerdict([0, 1], HEAT, MANIFEST, 160, 120)).toThrow(/logits hold 2 values for 3 classes/);
  });
});

describe('parseInspectorManifest', () => {
  const shipped = { classes: ['OK', 'slip'], input: { name: 'clip', frames: 8, width: 64, height: 64, scale: '1/255' }, heatmap: { width: 32, height: 32 }, defectThreshold: 0.5 };

  it('reads what serving needs', () => {
    expect(parseInspectorManifest(shipped as never, 'inspector@1')).toEqual({ classes: ['OK', 'slip'], frames: 8, inputWidth: 64, inputHeight: 64, heatWidth: 32, heatHeight: 32, defectThreshold: 0.5 });
  });

  it.each([
    [{ ...shipped, classes: ['slip', 'OK'] }, /classes must list at least two names, OK first/],
    [{ ...shipped, input: { ...shipped.input, frames: 0 } }, /input\.frames: expected an integer >= 1, got 0/],
    [{ ...shipped, defectThreshold: 1.5 }, /defectThreshold must be a number in \(0, 1\)/],
    [{ ...shipped, heatmap: undefined }, /heatmap: expected an object/],
  ])('names what is wrong (%#)', (manifest, message) => {
    expect(() => parseInspectorManifest(manifest as never, 'inspector@9')).toThrow(message);
  });
});
