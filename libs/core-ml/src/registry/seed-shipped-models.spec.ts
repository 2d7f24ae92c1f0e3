import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { ModelRecord } from './model-registry';
import { seedShippedModels } from './seed-shipped-models';

/** The registry calls seeding makes, over an in-memory table. */
function fakeRegistry(modelsRoot: string, existing: Partial<ModelRecord>[] = []) {
  const rows = existing.map((m) => ({ status: 'candidate', ...m }) as ModelRecord);
  return {
    modelsRoot,
    rows,
    list: async (name?: string) => rows.filter((m) => name === undefined || m.name === name),
    register: async (dir: string) => {
      const record = { name: path.basename(path.dirname(dir)), version: Number(path.basename(dir)), status: 'candidate' } as ModelRecord;
      rows.push(record);
      return record;
    },
    promote: async (name: string, version: number) => {
      const model = rows.find((m) => m.name === name && m.version === version) as ModelRecord;
      (model as { status: string }).status = 'champion';
      return { model, replaced: null, changed: true };
    },
  };
}

describe(seedShippedModels.name, () => {
  let root: string;
  const ship = async (name: string, version: string, manifest = true) => {
    await mkdir(path.join(root, name, version), { recursive: true });
    if (manifest) await writeFile(path.join(root, name, version, 'manifest.json'), '{}');
  };

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'vigil-seed-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('registers what is shipped and makes the highest version champion of a name without one', async () => {
    await ship('risk', '1');
    await ship('risk', '2');
    await ship('risk', '3', false); // unfinished: no manifest
    await ship('Not A Name', '1');
    const registry = fakeRegistry(root);

    const result = await seedShippedModels(registry as never, { username: 'platform' });

    expect(result.registered.map((m) => `${m.name}@${m.version}`)).toEqual(['risk@1', 'risk@2']);
    expect(result.promoted.map((m) => `${m.name}@${m.version}`)).toEqual(['risk@2']);
  });

  it('changes nothing that is registered or has a champion already', async () => {
    await ship('risk', '1');
    await ship('risk', '2');
    const registry = fakeRegistry(root, [
      { name: 'risk', version: 1, status: 'champion' },
      { name: 'risk', version: 2 },
    ]);

    expect(await seedShippedModels(registry as never, { username: 'platform' })).toEqual({ registered: [], promoted: [] });
    expect(registry.rows.map((m) => m.status)).toEqual(['champion', 'candidate']);
  });

  it('does nothing without a models folder', async () => {
    const registry = fakeRegistry(path.join(root, 'missing'));
    expect(await seedShippedModels(registry as never, { username: 'platform' })).toEqual({ registered: [], promoted: [] });
  });
});
