import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { InferencePool, type ModelManifest } from '@vigil/core-ml';
import { loadClipModel } from '@vigil/native-gpu';

import { buildClipDataset } from '../../training/dataset';
import { ClipEngine, nativeClipEngine, onnxClipEngine } from './clip-engine';
import { parseInspectorManifest } from './inspector-manifest';
import { clipVerdict } from './verdict';

/**
 * Test suite shared by clip-engine.spec.ts (the CPU twin) and clip-engine.gpu-spec.ts (CUDA): the
 * shipped champion's clip graph through ONNX Runtime and through `engine`, on held-out simulator
 * clips, must give the same scores, boxes and verdicts. Needs the ort-environment docblock.
 */
export function describeEngineParity(engine: 'native-cpu' | 'native-cuda'): void {
  describe(`clip engines on the shipped model: onnxruntime vs ${engine}`, () => {
    const root = path.resolve(__dirname, '../../../../../models/inspector');
    const version = Math.max(...readdirSync(root).filter((v) => /^\d+$/.test(v)).map(Number));
    const dir = path.join(root, String(version));
    const manifest = parseInspectorManifest(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ModelManifest, `inspector@${version}`);
    const source = { sourceWidth: 160, sourceHeight: 120 };
    const dataset = buildClipDataset({
      seed: 1001,
      clips: 24,
      defectRate: 0.5,
      frames: manifest.frames,
      ...source,
      inputWidth: manifest.inputWidth,
      inputHeight: manifest.inputHeight,
      heatWidth: manifest.heatWidth,
      heatHeight: manifest.heatHeight,
    });
    const clips = Float32Array.from(dataset.clips.data, (v) => v / 255);
    const pool = new InferencePool({ name: 'clip-engine-spec' });
    let onnx: ClipEngine;
    let native: ClipEngine;

    beforeAll(async () => {
      const bytes = readFileSync(path.join(dir, 'clip.onnx'));
      onnx = onnxClipEngine(await pool.load(bytes, { name: 'clip', intraOpNumThreads: 1 }));
      native = nativeClipEngine(await loadClipModel(bytes), engine);
    });

    afterAll(async () => {
      await native?.release();
      await onnx?.release();
      await pool.close();
    });

    it(`gives the same scores, boxes and verdicts from ONNX Runtime and ${engine}`, async () => {
      const { count, frames, height, width } = dataset.clips;
      const [a, b] = await Promise.all([onnx.score(clips.slice(), count, frames, height, width), native.score(clips.slice(), count, frames, height, width)]);

      expect(b.logits).toHaveLength(a.logits.length);
      expect(b.heatmap).toHaveLength(a.heatmap.length);
      expect(Math.max(...a.logits.map((v, i) => Math.abs(v - b.logits[i])))).toBeLessThan(1e-3);
      expect(Math.max(...a.heatmap.map((v, i) => Math.abs(v - b.heatmap[i])))).toBeLessThan(1e-3);
      const classes = manifest.classes.length;
      const heat = manifest.heatWidth * manifest.heatHeight;
      const verdict = (out: { logits: Float32Array; heatmap: Float32Array }, k: number) =>
        clipVerdict(out.logits.subarray(k * classes, (k + 1) * classes), out.heatmap.subarray(k * heat, (k + 1) * heat), manifest, source.sourceWidth, source.sourceHeight);
      for (let k = 0; k < count; k++) {
        const [x, y] = [verdict(a, k), verdict(b, k)];
        expect({ clip: k, verdict: y.verdict, defectClass: y.defectClass }).toEqual({ clip: k, verdict: x.verdict, defectClass: x.defectClass });
        expect(Math.abs(y.score - x.score)).toBeLessThan(1e-3);
        // Boxes are rounded outwards to whole pixels: an edge may land one pixel apart.
        expect(y.bbox === null).toBe(x.bbox === null);
        if (x.bbox !== null && y.bbox !== null) for (const key of ['x', 'y', 'w', 'h'] as const) expect(Math.abs(y.bbox[key] - x.bbox[key])).toBeLessThanOrEqual(1);
      }
      // The held-out clips include defects the model flags, so the comparison covers boxes too.
      expect(dataset.records.some((r, k) => r.label !== 'OK' && verdict(a, k).verdict === 'DEFECT')).toBe(true);
    });
  });
}
