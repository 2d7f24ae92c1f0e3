import { readdir } from 'node:fs/promises';
import path from 'node:path';

import { MANIFEST_FILE, MODEL_NAME } from './model-manifest';
import type { ModelRecord, ModelRegistry, RegistryActor } from './model-registry';

export interface SeedResult {
  registered: ModelRecord[];
  /** Versions made champion because their name had none. */
  promoted: ModelRecord[];
}

/**
 * What a fresh platform needs to decide with the models the repository ships: every
 * `<modelsRoot>/<name>/<version>/` with a manifest that is not registered yet is registered, and a
 * name with no champion gets its highest version as champion. Names that have one keep it, so an
 * operator's choice is never overridden. Idempotent.
 */
export async function seedShippedModels(registry: Pick<ModelRegistry, 'modelsRoot' | 'list' | 'register' | 'promote'>, actor: RegistryActor): Promise<SeedResult> {
  const result: SeedResult = { registered: [], promoted: [] };
  for (const name of (await entries(registry.modelsRoot)).filter((n) => MODEL_NAME.test(n))) {
    const known = await registry.list(name);
    const versions = (await entries(path.join(registry.modelsRoot, name))).filter((v) => /^[1-9]\d*$/.test(v)).map(Number).sort((a, b) => a - b);
    for (const version of versions) {
      const dir = path.join(registry.modelsRoot, name, String(version));
      if (known.some((m) => m.version === version) || !(await entries(dir)).includes(MANIFEST_FILE)) continue;
      result.registered.push(await registry.register(dir, actor));
    }
    const all = await registry.list(name);
    if (all.length > 0 && !all.some((m) => m.status === 'champion')) {
      const highest = all.reduce((a, b) => (b.version > a.version ? b : a));
      result.promoted.push((await registry.promote(name, highest.version, 'champion', actor)).model);
    }
  }
  return result;
}

async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}
