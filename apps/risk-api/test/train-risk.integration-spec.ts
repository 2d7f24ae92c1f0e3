/** @jest-environment @vigil/core-ml/test/ort-environment */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { verifyArtifact } from '@vigil/core-ml';

import { parseArgs } from '../src/training/options';
import { trainRisk } from '../src/training/train-risk';

jest.setTimeout(300_000);

/**
 * The reduced training run end to end, as CI's proof that the pipeline still works: simulate,
 * train both models with the native trainers, check the exports, evaluate, write a version.
 */
describe('npm run train:risk -- --reduced', () => {
  let modelsDir: string;

  beforeAll(async () => {
    modelsDir = await mkdtemp(path.join(tmpdir(), 'vigil-train-risk-'));
  });

  afterAll(async () => {
    if (modelsDir) await rm(modelsDir, { recursive: true, force: true });
  });

  it('writes a verified version whose exports reproduce their trainers and whose card reports every scorer', async () => {
    const { training } = parseArgs(['--reduced', '--out', modelsDir], 2, process.cwd());
    const steps: string[] = [];

    const { dir, card } = await trainRisk(training, { step: (line) => steps.push(line), progress: () => () => undefined });

    expect(dir).toBe(path.join(modelsDir, 'risk', '1'));
    const { manifest } = await verifyArtifact(dir);
    expect(manifest.files.map((f) => f.path)).toEqual(expect.arrayContaining(['trees.onnx', 'trees.json', 'sequence.onnx', 'sequence-int8.onnx', 'reference.json', 'card.md', 'card.json', 'pr-curve.svg']));
    expect(manifest).toMatchObject({ name: 'risk', version: 1, seed: training.train.seed, stack: { inputs: ['trees', 'sequence'] } });
    const byModel = Object.fromEntries(card.verification.map((v) => [v.model, v.maxAbsDiff]));
    expect(byModel.trees).toBeLessThan(1e-4);
    expect(byModel.sequence).toBeLessThan(1e-4);
    expect(card.holdout.map((r) => r.name)).toEqual(['champion (trees + sequence)', 'trees', 'sequence', 'sequence INT8', expect.stringMatching(/^single rule: /), 'default rule set']);
    for (const report of card.holdout) expect(report.prAuc).toBeGreaterThan(0);
    expect(card.serving.reviewThreshold).toBeLessThanOrEqual(card.serving.blockThreshold);
    expect(card.streams.bank).toMatchObject({ population: 'second', rows: expect.any(Number) });
    expect(card.bank.map((r) => r.name)).toEqual(['champion (trees + sequence)', 'default rule set']);
    for (const population of ['holdout', 'bank'] as const) {
      const atBudget = card.atBudget[population];
      expect(atBudget).toMatchObject({ share: 0.01, transactions: card.streams[population].rows });
      expect(atBudget.flaggedShare).toBeGreaterThan(0);
      expect(atBudget.perPattern.length).toBeGreaterThan(0);
    }
    expect(card.criteria.map((c) => c.criterion)).toEqual(expect.arrayContaining([expect.stringMatching(/^held-out bank: flagged share/), expect.stringMatching(/^held-out bank: every pattern/)]));
    const markdown = await readFile(path.join(dir, 'card.md'), 'utf8');
    expect(markdown).toContain(`npm run train:risk -- --reduced --out ${modelsDir}`);
    expect(markdown).toContain('## At the alert budget, on both held-out populations');
    expect(steps.at(-1)).toBe(`writing ${dir}`);
  });
});
