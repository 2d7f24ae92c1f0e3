import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { RuleSet, RuleSetStatus, Typology } from '../rules';

export interface StoredRuleSet {
  version: number;
  status: RuleSetStatus;
  shadow: boolean;
  typologies: Typology[];
  createdBy: string;
  createdAt: string;
  activatedAt: string | null;
}

/** Versioned rule sets in `risk.rule_set`; a version's rules never change once stored. */
@Injectable()
export class RuleSetRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(): Promise<StoredRuleSet[]> {
    return ((await this.db.query(`SELECT ${COLUMNS} FROM "risk"."rule_set" ORDER BY "version" DESC`)) as RuleSetRow[]).map(toStored);
  }

  async find(version: number): Promise<StoredRuleSet | undefined> {
    const [row] = (await this.db.query(`SELECT ${COLUMNS} FROM "risk"."rule_set" WHERE "version" = $1`, [version])) as RuleSetRow[];
    return row && toStored(row);
  }

  /** The active rule set and the drafts running in shadow. */
  async live(): Promise<StoredRuleSet[]> {
    const rows = (await this.db.query(`SELECT ${COLUMNS} FROM "risk"."rule_set" WHERE "status" = 'active' OR "shadow" ORDER BY "version"`)) as RuleSetRow[];
    return rows.map(toStored);
  }

  /** Stores a new draft as the next version. */
  async createDraft(typologies: readonly Typology[], createdBy: string, run: (manager: EntityManager, version: number) => Promise<void>): Promise<StoredRuleSet> {
    return this.db.transaction(async (manager) => {
      // Serialises version numbers between concurrent admins.
      await manager.query(`LOCK TABLE "risk"."rule_set" IN SHARE ROW EXCLUSIVE MODE`);
      const [row] = (await manager.query(
        `INSERT INTO "risk"."rule_set" ("version", "status", "definition", "created_by")
         SELECT COALESCE(max("version"), 0) + 1, 'draft', $1::jsonb, $2 FROM "risk"."rule_set" RETURNING ${COLUMNS}`,
        [JSON.stringify({ typologies }), createdBy],
      )) as RuleSetRow[];
      await run(manager, row.version);
      return toStored(row);
    });
  }

  /** Makes a draft the active rule set; the previous one retires. False if `version` is not a draft. */
  async activate(version: number, run: (manager: EntityManager) => Promise<void>): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const [draft] = (await manager.query(`SELECT "version" FROM "risk"."rule_set" WHERE "version" = $1 AND "status" = 'draft' FOR UPDATE`, [version])) as unknown[];
      if (draft === undefined) return false;
      await manager.query(`UPDATE "risk"."rule_set" SET "status" = 'retired' WHERE "status" = 'active'`);
      await manager.query(`UPDATE "risk"."rule_set" SET "status" = 'active', "shadow" = false, "activated_at" = now() WHERE "version" = $1`, [version]);
      await run(manager);
      return true;
    });
  }

  /** Starts or stops a draft's shadow run. False if `version` is not a draft. */
  async setShadow(version: number, shadow: boolean, run: (manager: EntityManager) => Promise<void>): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const [updated] = (await manager.query(`UPDATE "risk"."rule_set" SET "shadow" = $2 WHERE "version" = $1 AND "status" = 'draft' RETURNING "version"`, [
        version,
        shadow,
      ])) as [unknown[], number];
      if (updated.length === 0) return false;
      await run(manager);
      return true;
    });
  }

  /** Deletes a draft (its shadow decisions go with it). False if `version` is not a draft. */
  async deleteDraft(version: number, run: (manager: EntityManager) => Promise<void>): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const [deleted] = (await manager.query(`DELETE FROM "risk"."rule_set" WHERE "version" = $1 AND "status" = 'draft' RETURNING "version"`, [version])) as [unknown[], number];
      if (deleted.length === 0) return false;
      await run(manager);
      return true;
    });
  }

  /** On a new database: the shipped rule set becomes version 1, active. */
  async seedIfEmpty(ruleSet: RuleSet): Promise<boolean> {
    const inserted = (await this.db.query(
      `INSERT INTO "risk"."rule_set" ("version", "status", "definition", "created_by", "activated_at")
       SELECT 1, 'active', $1::jsonb, 'system', now() WHERE NOT EXISTS (SELECT 1 FROM "risk"."rule_set") RETURNING "version"`,
      [JSON.stringify({ typologies: ruleSet.typologies })],
    )) as unknown[];
    return inserted.length > 0;
  }
}

const COLUMNS = `"version", "status", "shadow", "definition", "created_by", "created_at", "activated_at"`;

interface RuleSetRow {
  version: number;
  status: RuleSetStatus;
  shadow: boolean;
  definition: { typologies: Typology[] };
  created_by: string;
  created_at: Date;
  activated_at: Date | null;
}

function toStored(row: RuleSetRow): StoredRuleSet {
  return {
    version: row.version,
    status: row.status,
    shadow: row.shadow,
    typologies: row.definition.typologies,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    activatedAt: row.activated_at?.toISOString() ?? null,
  };
}
