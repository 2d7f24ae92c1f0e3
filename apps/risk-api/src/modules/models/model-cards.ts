import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';

import { Inject, Injectable } from '@nestjs/common';
import type { ModelRecord } from '@vigil/core-ml';

import type { CardForGate } from './promotion-gate';
import { MODEL_REGISTRY, type RiskModelRegistry } from './models.tokens';

/** The card training wrote into every version (checked against the manifest like every other file). */
export const CARD_FILE = 'card.json';
/**
 * Live comparisons recorded beside the card. Not listed in the manifest: the card a version was
 * registered with stays as training wrote it (and its checksum holds), and this appendix is
 * rewritten with each comparison asked for.
 */
export const LIVE_COMPARISON_FILES = { markdown: 'live-comparison.md', json: 'live-comparison.json' } as const;

/** A version's card files (STYLE R2: the service sees this port, not the filesystem). */
@Injectable()
export class ModelCards {
  constructor(@Inject(MODEL_REGISTRY) private readonly registry: RiskModelRegistry) {}

  /** card.json, checked against the registered manifest; undefined when the version has none. */
  async read(model: ModelRecord): Promise<CardForGate | undefined> {
    const ref = { name: model.name, version: model.version, manifestSha256: model.manifestSha256, artifactDir: model.artifactDir };
    const manifest = await this.registry.verifiedManifest(ref);
    if (!manifest.files.some((f) => f.path === CARD_FILE)) return undefined;
    return JSON.parse(Buffer.from(await this.registry.readFile(ref, manifest, CARD_FILE)).toString('utf8')) as CardForGate;
  }

  /** Writes the appendix; returns its path relative to the models root. */
  async writeLiveComparison(model: ModelRecord, markdown: string, json: unknown): Promise<string> {
    const dir = this.registry.artifactPath(model.artifactDir);
    await writeFile(path.join(dir, LIVE_COMPARISON_FILES.json), `${JSON.stringify(json, null, 2)}\n`);
    await writeFile(path.join(dir, LIVE_COMPARISON_FILES.markdown), markdown);
    return `${model.artifactDir}/${LIVE_COMPARISON_FILES.markdown}`;
  }
}
