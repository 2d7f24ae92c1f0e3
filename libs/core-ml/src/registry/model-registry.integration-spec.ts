/** @jest-environment @vigil/core-ml/test/ort-environment */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { createTestDatabase, type TestDatabase } from '@vigil/devstack';
import { migrateUp } from '@vigil/migrations';
import { Tensor } from 'onnxruntime-node';
import { Pool } from 'pg';

import { linearModel } from '../../test/helpers/onnx-model-builder';
import { buildDriftReference } from '../drift/drift-reference';
import type { OnnxModelSession } from '../session/onnx-model-session';
import { writeModelArtifact } from './model-manifest';
import { ModelRegistry } from './model-registry';
import { registryModelLoader } from './model-loader';
import { ModelSlot } from './model-slot';
import { ModelRegistryErrorCode } from './registry-errors';
import { SessionCache } from './session-cache';
import { pgDatabase } from './sql';

const ci = { username: 'ci' };

describe(ModelRegistry.name, () => {
  let database: TestDatabase;
  let pool: Pool;
  let root: string;
  let sut: ModelRegistry;

  /** models/risk/<version>: one linear graph y = 2x + version, and a drift reference. */
  const artifact = (version: number, dir = String(version)) =>
    writeModelArtifact(path.join(root, 'risk', dir), {
      name: 'risk',
      version,
      seed: 7,
      features: ['x'],
      metrics: { auc: 0.9 + version / 100 },
      files: {
        'trees.onnx': linearModel([[2]], [version]),
        'reference.json': JSON.stringify(buildDriftReference([[0, 1, 2, 3]], ['x'], { bins: 2 })),
        'model-card.md': `# risk ${version}, written to ${dir}\n`,
      },
    });

  beforeAll(async () => {
    database = await createTestDatabase('registry');
    await migrateUp({ url: database.url, schemas: ['ml'] });
    pool = new Pool({ connectionString: database.url, max: 4 });
    root = await mkdtemp(path.join(tmpdir(), 'vigil-models-'));
    sut = new ModelRegistry({ db: pgDatabase(pool), modelsRoot: root });
    for (const version of [1, 2, 3]) await artifact(version);
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  const errorCode = (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: { code?: string }) => error.code);

  it('registers a checked artifact as a candidate, once, with its event', async () => {
    const first = await sut.register(path.join(root, 'risk', '1'), ci);
    const again = await sut.register(path.join(root, 'risk', '1'), ci);

    expect(first).toMatchObject({ name: 'risk', version: 1, status: 'candidate', artifactDir: 'risk/1', metrics: { auc: 0.91 }, promotedAt: null });
    expect(first.manifest.features).toEqual(['x']);
    expect(again).toEqual(first);
    const { rows } = await pool.query(`SELECT "action", "to_status", "actor" FROM "ml"."model_event" WHERE "version" = 1`);
    expect(rows).toEqual([{ action: 'register', to_status: 'candidate', actor: 'ci' }]);
  });

  it('refuses a tampered file, a directory outside the models root, and a changed manifest under a registered version', async () => {
    const tampered = await artifact(9);
    await writeFile(path.join(root, 'risk', '9', 'trees.onnx'), linearModel([[3]], [9]));
    const outside = await mkdtemp(path.join(tmpdir(), 'vigil-outside-'));

    await expect(errorCode(sut.register(path.join(root, 'risk', '9'), ci))).resolves.toBe(ModelRegistryErrorCode.ArtifactTampered);
    await expect(sut.register(path.join(root, 'risk', '9'), ci)).rejects.toThrow(/trees\.onnx: sha256 [0-9a-f]{64} does not match the manifest's/);
    await expect(errorCode(sut.register(outside, ci))).resolves.toBe(ModelRegistryErrorCode.OutsideModelsRoot);
    await expect(errorCode(sut.register(path.join(root, 'nowhere'), ci))).resolves.toBe(ModelRegistryErrorCode.ManifestInvalid);
    await sut.register(path.join(root, 'risk', '1'), ci);
    await artifact(1, '1-retrained');
    await expect(errorCode(sut.register(path.join(root, 'risk', '1-retrained'), ci))).resolves.toBe(ModelRegistryErrorCode.VersionConflict);
    expect(tampered.manifest.version).toBe(9);
    await expect(sut.get('risk', 9)).resolves.toBeUndefined();
    await rm(outside, { recursive: true });
  });

  it('promotes in one transaction: one champion and one shadow, the old champion retired, the old shadow back to candidate', async () => {
    await sut.register(path.join(root, 'risk', '2'), ci);
    await sut.register(path.join(root, 'risk', '3'), ci);
    const audited: string[] = [];

    const first = await sut.promote('risk', 1, 'champion', ci);
    await sut.promote('risk', 2, 'shadow', ci);
    const shadowReplaced = await sut.promote('risk', 3, 'shadow', ci);
    const championReplaced = await sut.promote('risk', 3, 'champion', ci, async (tx, promotion) => {
      audited.push(`${promotion.model.version} replaces ${promotion.replaced?.version}`);
      await tx.query(`SELECT 1`);
    });
    const unchanged = await sut.promote('risk', 3, 'champion', ci);

    expect(first).toMatchObject({ changed: true, replaced: null, model: { status: 'champion', promotedAt: expect.any(String) } });
    expect(shadowReplaced.replaced).toEqual({ version: 2, status: 'candidate' });
    expect(championReplaced.replaced).toEqual({ version: 1, status: 'retired' });
    expect(audited).toEqual(['3 replaces 1']);
    expect(unchanged.changed).toBe(false);
    expect((await sut.list('risk')).map((m) => [m.version, m.status])).toEqual([
      [3, 'champion'],
      [2, 'candidate'],
      [1, 'retired'],
    ]);
    await expect(sut.live('risk')).resolves.toEqual({ champion: expect.objectContaining({ version: 3, artifactDir: 'risk/3' }) });
  });

  it('rolls the whole promotion back when the caller’s part fails, and refuses the champion as shadow', async () => {
    const failing = sut.promote('risk', 2, 'champion', ci, async () => {
      throw new Error('audit log unavailable');
    });

    await expect(failing).rejects.toThrow('audit log unavailable');
    expect((await sut.live('risk')).champion?.version).toBe(3);
    await expect(errorCode(sut.promote('risk', 3, 'shadow', ci))).resolves.toBe(ModelRegistryErrorCode.InvalidPromotion);
    await expect(errorCode(sut.promote('risk', 42, 'champion', ci))).resolves.toBe(ModelRegistryErrorCode.NotFound);
  });

  it('lets the database itself refuse a second champion', async () => {
    const second = pool.query(`UPDATE "ml"."model" SET "status" = 'champion' WHERE "name" = 'risk' AND "version" = 2`);

    await expect(second).rejects.toThrow(/UQ_ml_model_one_champion/);
  });

  it('serves the champion through a slot: sessions per file from the cache, the drift reference, and a swap on promotion', async () => {
    const cache = new SessionCache<OnnxModelSession>({ load: sut.sessionLoader(), idleTtlMs: 60_000 });
    const slot = new ModelSlot({ name: 'risk', live: () => sut.live('risk'), load: registryModelLoader(sut, cache, ['cpu']), pollMs: 60_000 });
    await slot.start();
    const score = async () =>
      slot.use(async ({ champion }) => {
        const outputs = await champion!.sessions.get('trees.onnx')!.run({ x: new Tensor('float32', Float32Array.from([1]), [1, 1]) });
        return { version: champion!.version, y: (outputs.y.data as Float32Array)[0], reference: champion!.reference?.features[0].name };
      });

    const before = await score();
    await sut.promote('risk', 2, 'champion', ci);
    await slot.refresh();
    const after = await score();

    expect(before).toEqual({ version: 3, y: 5, reference: 'x' });
    expect(after).toEqual({ version: 2, y: 4, reference: 'x' });
    expect(cache.has({ model: 'risk', version: '2', file: 'trees.onnx', providers: ['cpu'] })).toBe(true);
    await slot.close();
    await cache.close();
  });

  it('refuses to load a version whose file changed on disk after registration', async () => {
    await writeFile(path.join(root, 'risk', '1', 'trees.onnx'), linearModel([[5]], [1]));
    const load = sut.sessionLoader();

    await expect(load({ model: 'risk', version: '1', file: 'trees.onnx', providers: ['cpu'] })).rejects.toThrow(/risk\/1\/trees\.onnx: sha256/);
  });
});
