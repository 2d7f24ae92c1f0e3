/**
 * A trained model version on disk: the directory `models/<name>/<version>/` that `npm run
 * train:risk` writes, described by its `manifest.json`:
 *
 *   { "name": "risk", "version": 3, "created_at": "2026-…Z", "seed": 42,
 *     "features": ["amount_log", …], "metrics": { "auc": 0.93, … },
 *     "files": [{ "path": "trees.onnx", "sha256": "<hex>", "bytes": 123 }, …] }
 *
 * Every other file of the version (ONNX graphs, the model card, `reference.json` for drift) is
 * listed under `files` with its sha256; other top-level keys are kept as they are.
 */
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

import { ModelRegistryError, ModelRegistryErrorCode } from './registry-errors';

export const MANIFEST_FILE = 'manifest.json';
/** The drift reference's file name (libs/core-ml/src/drift/drift-reference.ts), when a version has one. */
export const DRIFT_REFERENCE_FILE = 'reference.json';
export const MODEL_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

export interface ManifestFile {
  /** Relative to the version's directory, `/`-separated, never leaving it. */
  path: string;
  sha256: string;
  bytes?: number;
}

export interface ModelManifest {
  name: string;
  version: number;
  created_at: string;
  seed: number;
  /** Input feature names in the order the models expect them. */
  features: string[];
  metrics: Record<string, number>;
  files: ManifestFile[];
  [extra: string]: unknown;
}

export interface VerifiedArtifact {
  manifest: ModelManifest;
  /** sha256 of manifest.json's bytes: what the registry stores and checks again before each load. */
  manifestSha256: string;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Checks a parsed manifest; throws a ManifestInvalid error naming the first field at fault. */
export function parseManifest(json: unknown, source: string): ModelManifest {
  const fail = (what: string): never => {
    throw new ModelRegistryError(ModelRegistryErrorCode.ManifestInvalid, `${source}: ${what}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('not a JSON object');
  const m = json as Record<string, unknown>;
  if (typeof m.name !== 'string' || !MODEL_NAME.test(m.name)) fail(`name: expected a string matching ${MODEL_NAME.source}`);
  if (!(Number.isInteger(m.version) && (m.version as number) > 0 && (m.version as number) < 2 ** 31)) fail('version: expected a positive integer');
  if (typeof m.created_at !== 'string' || Number.isNaN(Date.parse(m.created_at))) fail('created_at: expected an ISO 8601 timestamp');
  if (!Number.isInteger(m.seed)) fail('seed: expected an integer');
  if (!Array.isArray(m.features) || !m.features.every((f) => typeof f === 'string' && f.length > 0)) fail('features: expected an array of names');
  if (typeof m.metrics !== 'object' || m.metrics === null || Array.isArray(m.metrics) || !Object.values(m.metrics).every((v) => Number.isFinite(v))) {
    fail('metrics: expected an object of finite numbers');
  }
  if (!Array.isArray(m.files) || m.files.length === 0) return fail('files: expected a non-empty array');
  const seen = new Set<string>();
  m.files.forEach((file: unknown, i: number) => {
    const { path: p, sha256: hash, bytes } = (file ?? {}) as Partial<ManifestFile>;
    if (typeof p !== 'string' || !isContainedPath(p) || p === MANIFEST_FILE) fail(`files[${i}].path: expected a relative path inside the version's directory`);
    if (seen.has(p as string)) fail(`files[${i}].path: '${p}' is listed twice`);
    seen.add(p as string);
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) fail(`files[${i}].sha256: expected 64 lowercase hex digits`);
    if (bytes !== undefined && !(Number.isInteger(bytes) && bytes >= 0)) fail(`files[${i}].bytes: expected a non-negative integer`);
  });
  return m as ModelManifest;
}

/**
 * Reads `dir/manifest.json` and checks every listed file against its sha256 (and size, where
 * given). Throws ManifestInvalid or ArtifactTampered naming the file.
 */
export async function verifyArtifact(dir: string): Promise<VerifiedArtifact> {
  const manifestPath = path.join(dir, MANIFEST_FILE);
  const bytes = await readArtifactFile(manifestPath, ModelRegistryErrorCode.ManifestInvalid);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new ModelRegistryError(ModelRegistryErrorCode.ManifestInvalid, `${manifestPath}: not JSON (${(error as Error).message})`);
  }
  const manifest = parseManifest(json, manifestPath);
  for (const file of manifest.files) await readVerified(dir, manifest, file.path);
  return { manifest, manifestSha256: sha256(bytes) };
}

/** A listed file's bytes, refused unless they match the manifest's sha256. */
export async function readVerified(dir: string, manifest: ModelManifest, file: string): Promise<Uint8Array> {
  const entry = manifest.files.find((f) => f.path === file);
  if (entry === undefined) throw new ModelRegistryError(ModelRegistryErrorCode.NotFound, `${manifest.name}@${manifest.version}: '${file}' is not in the manifest`);
  const where = path.join(dir, entry.path);
  const bytes = await readArtifactFile(where, ModelRegistryErrorCode.ArtifactTampered);
  const actual = sha256(bytes);
  if (actual !== entry.sha256) {
    throw new ModelRegistryError(ModelRegistryErrorCode.ArtifactTampered, `${where}: sha256 ${actual} does not match the manifest's ${entry.sha256}`);
  }
  if (entry.bytes !== undefined && entry.bytes !== bytes.byteLength) {
    throw new ModelRegistryError(ModelRegistryErrorCode.ArtifactTampered, `${where}: ${bytes.byteLength} bytes, the manifest says ${entry.bytes}`);
  }
  return bytes;
}

export interface ModelArtifactSpec {
  name: string;
  version: number;
  seed: number;
  features: string[];
  metrics: Record<string, number>;
  /** Default now. */
  createdAt?: Date;
  /** File name → bytes (ONNX graphs, `reference.json`, the model card, …). */
  files: Record<string, Uint8Array | string>;
  /** More top-level manifest keys (hyper-parameters, training window, …). */
  extra?: Record<string, unknown>;
}

/**
 * Writes a version's directory: every file, then `manifest.json` listing them with their sha256
 * (what the training pipeline calls, and what `register` checks). Refuses an existing manifest.
 */
export async function writeModelArtifact(dir: string, spec: ModelArtifactSpec): Promise<VerifiedArtifact> {
  const files = Object.entries(spec.files).map(([file, content]) => ({ file, bytes: typeof content === 'string' ? Buffer.from(content, 'utf8') : content }));
  const manifest = parseManifest(
    {
      ...spec.extra,
      name: spec.name,
      version: spec.version,
      created_at: (spec.createdAt ?? new Date()).toISOString(),
      seed: spec.seed,
      features: spec.features,
      metrics: spec.metrics,
      files: files.map(({ file, bytes }) => ({ path: file, sha256: sha256(bytes), bytes: bytes.byteLength })),
    },
    path.join(dir, MANIFEST_FILE),
  );
  const exists = await access(path.join(dir, MANIFEST_FILE)).then(() => true, () => false);
  if (exists) throw new ModelRegistryError(ModelRegistryErrorCode.VersionConflict, `${dir}: already holds a manifest; a version is written once`);
  await mkdir(dir, { recursive: true });
  for (const { file, bytes } of files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), bytes);
  }
  const json = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  await writeFile(path.join(dir, MANIFEST_FILE), json, { flag: 'wx' });
  return { manifest, manifestSha256: sha256(json) };
}

/** The ONNX graphs of a version, in manifest order. */
export function onnxFiles(manifest: ModelManifest): string[] {
  return manifest.files.map((f) => f.path).filter((p) => p.endsWith('.onnx'));
}

function isContainedPath(p: string): boolean {
  return p.length > 0 && !p.startsWith('/') && !p.includes('\\') && p.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

async function readArtifactFile(where: string, code: ModelRegistryErrorCode): Promise<Uint8Array> {
  try {
    return await readFile(where);
  } catch (error) {
    throw new ModelRegistryError(code, `${where}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
