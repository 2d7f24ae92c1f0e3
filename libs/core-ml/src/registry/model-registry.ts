/**
 * Trained model versions in Postgres (`ml.model`, migrations/ml): registered from their artifact
 * directory after every file's sha256 is checked, promoted to champion or shadow in one
 * transaction, and loaded lazily (one ONNX session per file) after checking the bytes again, so an
 * artifact changed on disk after registration is refused rather than served.
 */
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';

import { OnnxModelSession, type OnnxModelSessionOptions } from '../session/onnx-model-session';
import type { ExecutionProviderName } from '../session/execution-providers';
import type { SessionKey } from './session-cache';
import { MODEL_NAME, type ModelManifest, readVerified, verifyArtifact } from './model-manifest';
import { ModelRegistryError, ModelRegistryErrorCode } from './registry-errors';
import type { SqlDatabase, SqlSession } from './sql';

export const MODEL_STATUSES = ['candidate', 'champion', 'shadow', 'retired'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];
export const LIVE_ROLES = ['champion', 'shadow'] as const;
export type LiveRole = (typeof LIVE_ROLES)[number];

export interface ModelRecord {
  name: string;
  version: number;
  manifestSha256: string;
  metrics: Record<string, number>;
  status: ModelStatus;
  /** Relative to the models root. */
  artifactDir: string;
  createdAt: string;
  registeredAt: string;
  promotedAt: string | null;
  manifest: ModelManifest;
}

/** Who registers or promotes: a user of a service, or `cli`. */
export interface RegistryActor {
  username: string;
}

export interface Promotion {
  model: ModelRecord;
  /** The version that held the role before (now retired for champion, candidate for shadow), if any. */
  replaced: { version: number; status: ModelStatus } | null;
  /** False when the version already held the role: nothing was written. */
  changed: boolean;
}

/** The versions holding a live role, as a slot polls them. */
export interface LiveModels {
  champion?: LiveModelRef;
  shadow?: LiveModelRef;
}

export interface LiveModelRef {
  name: string;
  version: number;
  manifestSha256: string;
  artifactDir: string;
}

export interface ModelRegistryOptions<Tx extends SqlSession> {
  db: SqlDatabase<Tx>;
  /** Where artifact directories live (env MODELS_DIR); default `<repo>/models`. */
  modelsRoot?: string;
}

/** `<repo>/models`, whether this file runs from src/ or dist/. */
export const DEFAULT_MODELS_ROOT = path.resolve(__dirname, '..', '..', '..', '..', 'models');

export class ModelRegistry<Tx extends SqlSession = SqlSession> {
  readonly modelsRoot: string;
  readonly #db: SqlDatabase<Tx>;

  constructor(options: ModelRegistryOptions<Tx>) {
    this.#db = options.db;
    this.modelsRoot = path.resolve(options.modelsRoot ?? DEFAULT_MODELS_ROOT);
  }

  /**
   * Registers the version in `dir` (inside the models root) as a candidate, after checking every
   * file against the manifest. Registering the same manifest again returns the stored record.
   */
  async register(dir: string, actor: RegistryActor): Promise<ModelRecord> {
    const artifactDir = await this.#relativeToRoot(dir);
    const { manifest, manifestSha256 } = await verifyArtifact(this.artifactPath(artifactDir));
    return this.#db.transaction(async (tx) => {
      const inserted = await tx.query<ModelRow>(
        `INSERT INTO "ml"."model" ("name", "version", "manifest_sha256", "manifest", "metrics", "artifact_dir", "created_at")
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7) ON CONFLICT ("name", "version") DO NOTHING RETURNING ${COLUMNS}`,
        [manifest.name, manifest.version, manifestSha256, JSON.stringify(manifest), JSON.stringify(manifest.metrics), artifactDir, manifest.created_at],
      );
      if (inserted.length === 0) {
        const existing = await this.#find(tx, manifest.name, manifest.version);
        if (existing?.manifestSha256 === manifestSha256) return existing;
        throw new ModelRegistryError(
          ModelRegistryErrorCode.VersionConflict,
          `${manifest.name}@${manifest.version} is already registered with another manifest (sha256 ${existing?.manifestSha256}); train a new version`,
        );
      }
      await this.#event(tx, manifest.name, manifest.version, 'register', null, 'candidate', actor);
      return toRecord(inserted[0]);
    });
  }

  /** Every version, by name then newest first; or one model's. */
  async list(name?: string): Promise<ModelRecord[]> {
    const rows = await this.#db.query<ModelRow>(
      `SELECT ${COLUMNS} FROM "ml"."model" WHERE $1::text IS NULL OR "name" = $1 ORDER BY "name", "version" DESC`,
      [name ?? null],
    );
    return rows.map(toRecord);
  }

  async get(name: string, version: number): Promise<ModelRecord | undefined> {
    return this.#find(this.#db, name, version);
  }

  /**
   * Gives `version` the role in one transaction. The champion it replaces is retired; the shadow
   * it replaces goes back to candidate; a shadow promoted to champion leaves the shadow role empty.
   * `within` runs in the same transaction (the caller's audit record), so all of it or none lands.
   */
  async promote(name: string, version: number, role: LiveRole, actor: RegistryActor, within?: (tx: Tx, promotion: Promotion) => Promise<void>): Promise<Promotion> {
    if (!LIVE_ROLES.includes(role)) throw new RangeError(`role: expected champion or shadow, got ${JSON.stringify(role)}`);
    return this.#db.transaction(async (tx) => {
      // Every version of the name, locked: concurrent promotions of one model queue here.
      const versions = (await tx.query<ModelRow>(`SELECT ${COLUMNS} FROM "ml"."model" WHERE "name" = $1 ORDER BY "version" FOR UPDATE`, [name])).map(toRecord);
      const target = versions.find((v) => v.version === version);
      if (target === undefined) throw notFound(name, version);
      if (target.status === role) return { model: target, replaced: null, changed: false };
      if (target.status === 'champion') {
        throw new ModelRegistryError(ModelRegistryErrorCode.InvalidPromotion, `${name}@${version} is the champion; promote another version to champion first`);
      }
      const holder = versions.find((v) => v.status === role);
      const replaced = holder ? { version: holder.version, status: (role === 'champion' ? 'retired' : 'candidate') as ModelStatus } : null;
      if (holder && replaced) {
        await tx.query(`UPDATE "ml"."model" SET "status" = $3 WHERE "name" = $1 AND "version" = $2 RETURNING "version"`, [name, holder.version, replaced.status]);
        await this.#event(tx, name, holder.version, 'demote', role, replaced.status, actor);
      }
      const [row] = await tx.query<ModelRow>(
        `UPDATE "ml"."model" SET "status" = $3, "promoted_at" = now() WHERE "name" = $1 AND "version" = $2 RETURNING ${COLUMNS}`,
        [name, version, role],
      );
      await this.#event(tx, name, version, 'promote', target.status, role, actor);
      const promotion: Promotion = { model: toRecord(row), replaced, changed: true };
      await within?.(tx, promotion);
      return promotion;
    });
  }

  /** The champion and shadow of `name` now (what a ModelSlot polls). */
  async live(name: string): Promise<LiveModels> {
    const rows = await this.#db.query<Pick<ModelRow, 'name' | 'version' | 'status' | 'manifest_sha256' | 'artifact_dir'>>(
      `SELECT "name", "version", "status", "manifest_sha256", "artifact_dir" FROM "ml"."model" WHERE "name" = $1 AND "status" IN ('champion', 'shadow')`,
      [name],
    );
    const live: LiveModels = {};
    for (const row of rows) {
      live[row.status as LiveRole] = { name: row.name, version: row.version, manifestSha256: row.manifest_sha256, artifactDir: row.artifact_dir };
    }
    return live;
  }

  /** Absolute path of a stored artifact directory. */
  artifactPath(artifactDir: string): string {
    return path.join(this.modelsRoot, artifactDir);
  }

  /**
   * The artifact of a live version, checked again: its manifest must still hash to what was
   * registered, so nothing on disk changed since.
   */
  async verifiedManifest(ref: LiveModelRef): Promise<ModelManifest> {
    const { manifest, manifestSha256 } = await verifyArtifact(this.artifactPath(ref.artifactDir));
    if (manifestSha256 !== ref.manifestSha256) {
      throw new ModelRegistryError(
        ModelRegistryErrorCode.ArtifactTampered,
        `${ref.name}@${ref.version}: manifest.json hashes to ${manifestSha256}, registered as ${ref.manifestSha256}`,
      );
    }
    return manifest;
  }

  /** A listed file's bytes, checked against the (already verified) manifest. */
  readFile(ref: LiveModelRef, manifest: ModelManifest, file: string): Promise<Uint8Array> {
    return readVerified(this.artifactPath(ref.artifactDir), manifest, file);
  }

  /**
   * A SessionCache loader for keys { model: name, version, file, providers }: looks the version up,
   * checks manifest and file hashes, and creates the ONNX session from the checked bytes.
   */
  sessionLoader(options: Omit<OnnxModelSessionOptions, 'name' | 'executionProviders'> = {}): (key: SessionKey) => Promise<OnnxModelSession> {
    return async (key) => {
      const version = Number(key.version);
      if (key.file === undefined) throw new RangeError(`${key.model}@${key.version}: the session key names no file`);
      const record = await this.get(key.model, version);
      if (record === undefined) throw notFound(key.model, version);
      const ref: LiveModelRef = { name: record.name, version, manifestSha256: record.manifestSha256, artifactDir: record.artifactDir };
      const manifest = await this.verifiedManifest(ref);
      const bytes = await this.readFile(ref, manifest, key.file);
      return OnnxModelSession.load(bytes, {
        ...options,
        name: `${key.model}@${key.version}/${key.file}`,
        executionProviders: key.providers as readonly ExecutionProviderName[],
      });
    };
  }

  async #relativeToRoot(dir: string): Promise<string> {
    const resolve = async (p: string) => {
      try {
        return await realpath(p);
      } catch {
        throw new ModelRegistryError(ModelRegistryErrorCode.ManifestInvalid, `${p}: no such directory`);
      }
    };
    const [root, target] = [await resolve(this.modelsRoot), await resolve(path.resolve(dir))];
    const relative = path.relative(root, target);
    if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
      throw new ModelRegistryError(ModelRegistryErrorCode.OutsideModelsRoot, `${dir}: not inside the models root ${root} (MODELS_DIR); the services could not load it`);
    }
    return relative.split(path.sep).join('/');
  }

  async #find(session: SqlSession, name: string, version: number): Promise<ModelRecord | undefined> {
    if (!MODEL_NAME.test(name) || !Number.isInteger(version)) return undefined;
    const [row] = await session.query<ModelRow>(`SELECT ${COLUMNS} FROM "ml"."model" WHERE "name" = $1 AND "version" = $2`, [name, version]);
    return row && toRecord(row);
  }

  async #event(tx: SqlSession, name: string, version: number, action: string, from: string | null, to: string, actor: RegistryActor): Promise<void> {
    await tx.query(
      `INSERT INTO "ml"."model_event" ("name", "version", "action", "from_status", "to_status", "actor") VALUES ($1, $2, $3, $4, $5, $6) RETURNING "id"`,
      [name, version, action, from, to, actor.username],
    );
  }
}

function notFound(name: string, version: number): ModelRegistryError {
  return new ModelRegistryError(ModelRegistryErrorCode.NotFound, `model ${name}@${version} is not registered`);
}

const COLUMNS = `"name", "version", "manifest_sha256", "manifest", "metrics", "status", "artifact_dir", "created_at", "registered_at", "promoted_at"`;

interface ModelRow {
  name: string;
  version: number;
  manifest_sha256: string;
  manifest: ModelManifest;
  metrics: Record<string, number>;
  status: ModelStatus;
  artifact_dir: string;
  created_at: Date;
  registered_at: Date;
  promoted_at: Date | null;
}

function toRecord(row: ModelRow): ModelRecord {
  return {
    name: row.name,
    version: row.version,
    manifestSha256: row.manifest_sha256,
    metrics: row.metrics,
    status: row.status,
    artifactDir: row.artifact_dir,
    createdAt: row.created_at.toISOString(),
    registeredAt: row.registered_at.toISOString(),
    promotedAt: row.promoted_at?.toISOString() ?? null,
    manifest: row.manifest,
  };
}
