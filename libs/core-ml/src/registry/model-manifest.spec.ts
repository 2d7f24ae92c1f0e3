import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { onnxFiles, parseManifest, sha256, verifyArtifact, writeModelArtifact } from './model-manifest';
import { ModelRegistryErrorCode } from './registry-errors';

const valid = {
  name: 'risk',
  version: 3,
  created_at: '2026-01-02T03:04:05.000Z',
  seed: 42,
  features: ['amount_log'],
  metrics: { auc: 0.93 },
  files: [{ path: 'trees.onnx', sha256: 'a'.repeat(64), bytes: 10 }],
};

describe('model manifest', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vigil-manifest-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    [{ name: 'Risk' }, 'name: expected a string matching'],
    [{ version: 0 }, 'version: expected a positive integer'],
    [{ created_at: 'yesterday' }, 'created_at: expected an ISO 8601 timestamp'],
    [{ metrics: { auc: 'high' } }, 'metrics: expected an object of finite numbers'],
    [{ files: [{ path: '../escape.onnx', sha256: 'a'.repeat(64) }] }, 'files[0].path: expected a relative path inside'],
    [{ files: [{ path: 'manifest.json', sha256: 'a'.repeat(64) }] }, 'files[0].path'],
    [{ files: [{ path: 'x.onnx', sha256: 'A'.repeat(64) }] }, 'files[0].sha256: expected 64 lowercase hex digits'],
    [{ files: [valid.files[0], valid.files[0]] }, "files[1].path: 'trees.onnx' is listed twice"],
  ])('refuses %j, naming the field', (change, message) => {
    const parse = () => parseManifest({ ...valid, ...change }, 'm.json');

    expect(parse).toThrow(`m.json: ${message}`);
    expect(parse).toThrow(expect.objectContaining({ code: ModelRegistryErrorCode.ManifestInvalid }));
  });

  it('writes files and a manifest that verifies, keeping extra keys', async () => {
    const written = await writeModelArtifact(path.join(dir, 'risk', '3'), {
      ...valid,
      createdAt: new Date(valid.created_at),
      files: { 'trees.onnx': new Uint8Array([1, 2, 3]), 'sub/card.md': '# card' },
      extra: { hyperparameters: { depth: 6 } },
    });

    const verified = await verifyArtifact(path.join(dir, 'risk', '3'));

    expect(verified).toEqual(written);
    expect(verified.manifestSha256).toBe(sha256(await readFile(path.join(dir, 'risk', '3', 'manifest.json'))));
    expect(verified.manifest.files).toEqual([
      { path: 'trees.onnx', sha256: sha256(new Uint8Array([1, 2, 3])), bytes: 3 },
      { path: 'sub/card.md', sha256: sha256(Buffer.from('# card')), bytes: 6 },
    ]);
    expect(verified.manifest.hyperparameters).toEqual({ depth: 6 });
    expect(onnxFiles(verified.manifest)).toEqual(['trees.onnx']);
    await expect(writeModelArtifact(path.join(dir, 'risk', '3'), { ...valid, files: { 'trees.onnx': 'x' } })).rejects.toThrow('already holds a manifest');
  });

  it('refuses a listed file that is missing', async () => {
    await writeModelArtifact(dir, { ...valid, files: { 'trees.onnx': 'abc' } });
    await rm(path.join(dir, 'trees.onnx'));

    await expect(verifyArtifact(dir)).rejects.toMatchObject({ code: ModelRegistryErrorCode.ArtifactTampered, message: expect.stringContaining('trees.onnx: cannot be read (ENOENT)') });
  });
});
