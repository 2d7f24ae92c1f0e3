import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { AlertBudgetSnapshot, ThresholdSet } from './alert-budget';
import { SegmentBy } from './segment-by';

/** The share an admin set. */
export interface StoredShare {
  share: number;
  updatedBy: string;
  updatedAt: string;
}

/** One version of a model's operating thresholds, with the window's state when it was estimated. */
export interface ThresholdVersion {
  version: number;
  model: { name: string; version: number };
  share: number;
  blockShare: number;
  segmentBy: SegmentBy;
  thresholds: ThresholdSet;
  /** The window's counts behind the estimate (the budget's report, without its rules). */
  samples: object;
  state: AlertBudgetSnapshot;
}

/**
 * The alert budget's storage: the admin's share (`risk.alert_budget`, one row) and the threshold
 * versions (`risk.alert_thresholds`). Only a model's latest version keeps the window's state (tens
 * of kB); older ones keep what they decided with, for the decisions that stamp them.
 */
@Injectable()
export class AlertBudgetRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findShare(): Promise<StoredShare | undefined> {
    const [row] = (await this.db.query(`SELECT "share", "updated_by", "updated_at" FROM "risk"."alert_budget"`)) as ShareRow[];
    return row && toShare(row);
  }

  /** Sets the share; `run` (the audit record) joins the same transaction. Returns the previous share, if one was set. */
  async setShare(share: number, updatedBy: string, run: (manager: EntityManager, previous: number | undefined) => Promise<void>): Promise<StoredShare> {
    return this.db.transaction(async (manager) => {
      const [previous] = (await manager.query(`SELECT "share" FROM "risk"."alert_budget" FOR UPDATE`)) as { share: string }[];
      const [row] = (await manager.query(
        `INSERT INTO "risk"."alert_budget" ("id", "share", "updated_by") VALUES (true, $1, $2)
         ON CONFLICT ("id") DO UPDATE SET "share" = EXCLUDED."share", "updated_by" = EXCLUDED."updated_by", "updated_at" = now()
         RETURNING "share", "updated_by", "updated_at"`,
        [share, updatedBy],
      )) as ShareRow[];
      await run(manager, previous && Number(previous.share));
      return toShare(row);
    });
  }

  /** The next threshold version (increasing across models and instances). */
  async nextVersion(): Promise<number> {
    const [row] = (await this.db.query(`SELECT nextval('"risk"."alert_thresholds_version_seq"') AS "version"`)) as { version: string }[];
    return Number(row.version);
  }

  /** Stores a version and clears the state of the model's older ones, in one transaction. */
  async store(threshold: ThresholdVersion): Promise<void> {
    const { version, model } = threshold;
    await this.db.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO "risk"."alert_thresholds" ("version", "model_name", "model_version", "share", "block_share", "segment_by", "thresholds", "samples", "state")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          version,
          model.name,
          model.version,
          threshold.share,
          threshold.blockShare,
          threshold.segmentBy,
          JSON.stringify(threshold.thresholds),
          JSON.stringify(threshold.samples),
          JSON.stringify(threshold.state),
        ],
      );
      await manager.query(
        `UPDATE "risk"."alert_thresholds" SET "state" = NULL
          WHERE "model_name" = $1 AND "model_version" = $2 AND "version" < $3 AND "state" IS NOT NULL`,
        [model.name, model.version, version],
      );
    });
  }

  /** The model's latest version that holds its window's state, for a restart to continue from. */
  async latest(model: { name: string; version: number }): Promise<ThresholdVersion | undefined> {
    const [row] = (await this.db.query(
      `SELECT "version", "model_name", "model_version", "share", "block_share", "segment_by", "thresholds", "samples", "state"
         FROM "risk"."alert_thresholds"
        WHERE "model_name" = $1 AND "model_version" = $2 AND "state" IS NOT NULL
        ORDER BY "version" DESC LIMIT 1`,
      [model.name, model.version],
    )) as ThresholdRow[];
    return (
      row && {
        version: Number(row.version),
        model: { name: row.model_name, version: row.model_version },
        share: Number(row.share),
        blockShare: Number(row.block_share),
        segmentBy: row.segment_by,
        thresholds: row.thresholds,
        samples: row.samples,
        state: row.state,
      }
    );
  }
}

interface ShareRow {
  share: string;
  updated_by: string;
  updated_at: Date;
}

interface ThresholdRow {
  version: string;
  model_name: string;
  model_version: number;
  share: string;
  block_share: string;
  segment_by: SegmentBy;
  thresholds: ThresholdSet;
  samples: object;
  state: AlertBudgetSnapshot;
}

function toShare(row: ShareRow): StoredShare {
  return { share: Number(row.share), updatedBy: row.updated_by, updatedAt: row.updated_at.toISOString() };
}
