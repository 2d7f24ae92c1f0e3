import { buildClipDataset, ClipDatasetSpec, INSPECTOR_CLASSES } from './dataset';

const spec: ClipDatasetSpec = { seed: 5, clips: 24, defectRate: 0.6, frames: 8, sourceWidth: 160, sourceHeight: 120, inputWidth: 64, inputHeight: 64, heatWidth: 32, heatHeight: 32 };

describe(buildClipDataset.name, () => {
  const dataset = buildClipDataset(spec);

  it('is deterministic in its spec, and another seed gives other clips', () => {
    const again = buildClipDataset(spec);
    expect(Buffer.from(again.clips.data).equals(Buffer.from(dataset.clips.data))).toBe(true);
    expect(again.records).toEqual(dataset.records);
    const other = buildClipDataset({ ...spec, seed: 6, clips: 4 });
    expect(Buffer.from(other.clips.data).equals(Buffer.from(dataset.clips.data.subarray(0, other.clips.data.length)))).toBe(false);
  });

  it('holds one clip of L frames per part, labelled with its class', () => {
    expect(dataset.clips).toMatchObject({ count: 24, frames: 8, height: 64, width: 64 });
    expect(dataset.clips.data.length).toBe(24 * 8 * 64 * 64);
    for (const [i, r] of dataset.records.entries()) {
      expect(r.seqEnd - r.seqStart).toBe(7);
      expect(INSPECTOR_CLASSES[dataset.labels[i]]).toBe(r.label);
      expect(r.bbox === null).toBe(r.label === 'OK');
    }
    expect(new Set(dataset.records.map((r) => r.label)).size).toBeGreaterThan(4);
  });

  it('targets the defect box on the heatmap and nothing for OK parts', () => {
    const cells = 32 * 32;
    for (const [i, r] of dataset.records.entries()) {
      const heat = dataset.heatmaps.subarray(i * cells, (i + 1) * cells);
      const total = heat.reduce((a, b) => a + b, 0);
      if (r.bbox === null) expect(total).toBe(0);
      // Coverage summed over cells is the box's area in cells (5 × 3.75 px each).
      else expect(total).toBeCloseTo((r.bbox.w * r.bbox.h) / (5 * 3.75), 3);
    }
  });

  it('refuses a spec it cannot honour, naming the field', () => {
    expect(() => buildClipDataset({ ...spec, inputWidth: 60 })).toThrow(/multiples of 8/);
    expect(() => buildClipDataset({ ...spec, defectRate: 1 })).toThrow(/spec\.defectRate/);
  });
});
