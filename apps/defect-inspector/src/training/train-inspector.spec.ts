/**
 * @jest-environment @vigil/core-ml/test/ort-environment
 *
 * The reduced pipeline end to end (needs clip-train: make -C libs/core-ml/native): a version directory
 * that verifies, both ONNX graphs reproducing the trainer on the held-out clips, and a card.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { verifyArtifact } from '@vigil/core-ml';

import { parseArgs } from './options';
import { trainInspector } from './train-inspector';

describe(trainInspector.name, () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'inspector-'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes a verifiable version whose ONNX graphs match the trainer', async () => {
    const { training } = parseArgs(['--reduced', '--clips', '32', '--holdout-clips', '24', '--threads', '1', '--out', root], 2, root);
    const steps: string[] = [];
    const { dir, card } = await trainInspector(training, { step: (s) => steps.push(s), progress: () => () => undefined });

    const { manifest } = await verifyArtifact(dir);
    expect(manifest.name).toBe('inspector');
    expect(manifest.version).toBe(1);
    expect(manifest.files.map((f) => f.path)).toEqual(expect.arrayContaining(['clip.onnx', 'frame.onnx', 'clip-weights.bin', 'card.md', 'card.json', 'pr-curve.svg']));
    for (const v of card.verification) {
      expect(v.clips).toBe(24);
      expect(v.logitsMaxAbsDiff).toBeLessThan(1e-3);
      expect(v.heatmapMaxAbsDiff).toBeLessThan(1e-4);
    }
    expect(card.holdout.map((r) => r.name)).toEqual(['clip model', 'single-frame baseline']);
    expect(await readFile(path.join(dir, 'card.md'), 'utf8')).toContain('## Held-out results');
    expect(steps.at(-1)).toBe(`writing ${dir}`);
  }, 60_000);

  it('refuses a held-out seed equal to the training seed', async () => {
    const { training } = parseArgs(['--reduced', '--out', root], 2, root);
    await expect(trainInspector({ ...training, holdout: { ...training.holdout, seed: training.train.seed } }, { step: () => undefined, progress: () => () => undefined })).rejects.toThrow(/holdout\.seed must differ/);
  });
});
