import { DataSource, EntityManager, EntitySchema, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { AuditLogRecord } from './auth.entities';

export type NewAuditEntry = Omit<AuditLogRecord, 'id' | 'occurredAt'>;

/** Where a page ends: the exact (microsecond) time and id of its last entry. */
export interface AuditPosition {
  occurredAt: string;
  id: string;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  subjectType?: string;
  subjectId?: string;
  /** Entries strictly older than this position (newest first). */
  before?: AuditPosition;
  limit: number;
}

export interface AuditRow {
  entry: AuditLogRecord;
  position: AuditPosition;
}

/**
 * Postgres keeps microseconds, a JS Date only milliseconds: the position is read as text so that
 * entries sharing a millisecond are neither skipped nor repeated across pages.
 */
const EXACT_TIME = `to_char(a.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The port over `<schema>.audit_log`: appends, and reads newest first. */
export class AuditRepository {
  private readonly entries: Repository<AuditLogRecord>;

  constructor(
    dataSource: DataSource,
    private readonly entity: EntitySchema<AuditLogRecord>,
  ) {
    this.entries = dataSource.getRepository(entity);
  }

  /** Inside `transaction` when given, so an action and its audit entry commit or roll back together. */
  async append(entry: NewAuditEntry, transaction?: EntityManager): Promise<void> {
    // details is free-form JSON, which TypeORM's deep-partial type cannot express.
    await (transaction?.getRepository(this.entity) ?? this.entries).insert(entry as QueryDeepPartialEntity<AuditLogRecord>);
  }

  async find(filter: AuditFilter): Promise<AuditRow[]> {
    const query = this.entries.createQueryBuilder('a').addSelect(EXACT_TIME, 'position_at');
    if (filter.actor !== undefined) query.andWhere('a.actor = :actor', { actor: filter.actor });
    if (filter.action !== undefined) query.andWhere('a.action = :action', { action: filter.action });
    if (filter.subjectType !== undefined) query.andWhere('a.subject_type = :subjectType', { subjectType: filter.subjectType });
    if (filter.subjectId !== undefined) query.andWhere('a.subject_id = :subjectId', { subjectId: filter.subjectId });
    if (filter.before !== undefined) {
      query.andWhere('(a.occurred_at, a.id) < (CAST(:beforeAt AS timestamptz), CAST(:beforeId AS uuid))', {
        beforeAt: filter.before.occurredAt,
        beforeId: filter.before.id,
      });
    }
    const { entities, raw } = await query
      .orderBy('a.occurred_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(filter.limit)
      .getRawAndEntities<{ a_id: string; position_at: string }>();
    const exactTimes = new Map(raw.map((row) => [row.a_id, row.position_at]));
    return entities.map((entry) => ({ entry, position: { occurredAt: exactTimes.get(entry.id) ?? entry.occurredAt.toISOString(), id: entry.id } }));
  }
}
