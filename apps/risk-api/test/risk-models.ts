import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

import { verifyArtifact, writeModelArtifact } from '@vigil/core-ml';

/** The champion the repository ships (written by `npm run train:risk`). */
export const SHIPPED_RISK_MODEL = path.resolve(__dirname, '../../../models/risk/2');

/**
 * Copies the shipped risk model into `<root>/risk/<version>/` as that version (its manifest, and
 * so its checksum, differ per version): real models to register, promote and swap in tests.
 */
export async function stageRiskModel(root: string, version: number, from = SHIPPED_RISK_MODEL): Promise<string> {
  const { manifest } = await verifyArtifact(from);
  const files = Object.fromEntries(await Promise.all(manifest.files.map(async (f) => [f.path, await readFile(path.join(from, f.path))] as const)));
  const { name, seed, features, metrics, version: _version, created_at: _createdAt, files: _files, ...extra } = manifest;
  const dir = path.join(root, name, String(version));
  await writeModelArtifact(dir, { name, version, seed, features, metrics, files, extra });
  return dir;
}
