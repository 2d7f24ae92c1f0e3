/** @jest-environment @vigil/core-ml/test/ort-environment */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

import { combineLogits, OnnxModelSession, Tensor, TreeEnsemble, TreeShapExplainer, verifyArtifact } from '@vigil/core-ml';

import { computeFeatures, computeSequences, FEATURE_NAMES, toModelInput } from '../features';
import { syntheticHistory } from '../features/testing/synthetic-history';
import { RiskModelManifest, RiskScorer } from './risk-scorer';

const SHIPPED = path.resolve(__dirname, '../../../../../models/risk/2');

describe(RiskScorer.name, () => {
  const history = syntheticHistory({ seed: 5, transactions: 300, accounts: 30, start: Date.UTC(2026, 10, 1), days: 2, lateShare: 0, maxLatenessMs: 0, patterns: 2 });
  const features = computeFeatures(history);
  const sequences = computeSequences(history);
  const size = sequences.steps * sequences.channels;
  const inputs = features.map((vector, i) => ({ row: toModelInput(vector), sequence: sequences.data.slice(i * size, (i + 1) * size) }));
  let manifest: RiskModelManifest;
  let trees: OnnxModelSession;
  let sequence: OnnxModelSession;
  let ensemble: TreeEnsemble;
  let sut: RiskScorer;

  beforeAll(async () => {
    manifest = (await verifyArtifact(SHIPPED)).manifest as unknown as RiskModelManifest;
    trees = await OnnxModelSession.load(path.join(SHIPPED, 'trees.onnx'));
    sequence = await OnnxModelSession.load(path.join(SHIPPED, 'sequence.onnx'));
    ensemble = TreeEnsemble.fromJSON(JSON.parse(await readFile(path.join(SHIPPED, 'trees.json'), 'utf8')));
    sut = new RiskScorer(manifest, { trees, sequence }, new TreeShapExplainer(ensemble));
  });

  afterAll(async () => {
    await sut.close();
    await Promise.all([trees.release(), sequence.release()]);
  });

  it('scores as training stacked the two graphs, and a lone transaction as within a batch', async () => {
    const rows = Float32Array.from(features.flatMap((v) => Array.from(toModelInput(v))));
    const margins = (await trees.run({ features: new Tensor('float32', rows, [features.length, FEATURE_NAMES.length]) })).margin.data as Float32Array;
    const logits = (await sequence.run({ sequence: new Tensor('float32', sequences.data, [sequences.count, sequences.steps, sequences.channels]) })).logit.data as Float32Array;

    const scored = await sut.score(inputs);
    const alone = await sut.score(inputs.slice(7, 8));

    scored.forEach((s, i) => expect(s.score).toBeCloseTo(combineLogits(manifest.stack, [margins[i], logits[i]]), 5));
    expect(alone[0]).toEqual(scored[7]);
    expect(scored.every((s) => s.name === 'risk' && s.version === manifest.version)).toBe(true);
  });

  it('offers the thresholds training set, for the alert budget to decide with until it has warmed up', () => {
    expect(sut.shipped).toEqual(manifest.thresholds);
  });

  it('explains with the largest TreeSHAP contributions, which sum with the bias to the tree margin', async () => {
    const [first] = await sut.score(inputs.slice(0, 1));
    const row = toModelInput(features[0]);
    const { bias, contributions } = new TreeShapExplainer(ensemble).explain(row);
    const weight = manifest.stack.weights[0];
    const ranked = Array.from(contributions, (c, f) => ({ name: FEATURE_NAMES[f], c: c * weight })).sort((a, b) => Math.abs(b.c) - Math.abs(a.c));

    expect(first.topFeatures.map((t) => t.name)).toEqual(ranked.slice(0, first.topFeatures.length).map((r) => r.name));
    expect(first.topFeatures[0].value).toBe(row[FEATURE_NAMES.indexOf(first.topFeatures[0].name as never)]);
    expect(bias + contributions.reduce((a, b) => a + b, 0)).toBeCloseTo(ensemble.predictMargin(row), 4);
  });

  it('refuses a model trained on other features', () => {
    const stale = { ...manifest, features: manifest.features.slice(1) };
    expect(() => new RiskScorer(stale, { trees, sequence }, new TreeShapExplainer(ensemble))).toThrow('was trained on other features than this service computes');
  });
});
