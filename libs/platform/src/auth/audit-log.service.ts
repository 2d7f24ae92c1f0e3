import { EntityManager } from 'typeorm';

import { decodeCursor, encodeCursor } from '../http/pagination';
import { Correlation } from '../logging';
import { AuditLogRecord } from './auth.entities';
import { AuthErrorCode, AuthException } from './auth.exception';
import { AuditPosition, AuditRepository } from './audit.repository';

/** Who acted: a user (`AuthenticatedUser` fits), or `anonymous` / `system` for logins and the CLI. */
export interface AuditActor {
  username: string;
  role: string;
}

/** What was done, to what: `alert.disposition` on `alert` A-17, `user.create` on `user` <id>, ... */
export interface AuditEvent {
  action: string;
  subjectType: string;
  subjectId?: string | null;
  /** What a reviewer needs to understand the action; never secrets (passwords, tokens). */
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  subjectType?: string;
  subjectId?: string;
  cursor?: string;
  limit: number;
}

export interface AuditPage {
  items: AuditLogRecord[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The service's audit log (`<schema>.audit_log`, append-only): every analyst/engineer and admin
 * action, and every login. Global, so domain modules inject it and record their actions, ideally
 * inside the transaction that makes the change.
 */
export class AuditLog {
  constructor(private readonly repository: AuditRepository) {}

  /** Stamped with the correlation id of the request or message being handled. */
  async record(actor: AuditActor, event: AuditEvent, transaction?: EntityManager): Promise<void> {
    await this.repository.append(
      {
        actor: actor.username,
        actorRole: actor.role,
        action: event.action,
        subjectType: event.subjectType,
        subjectId: event.subjectId ?? null,
        details: event.details ?? {},
        correlationId: Correlation.id() ?? null,
      },
      transaction,
    );
  }

  /** A page for an admin, whose reading is itself recorded (after the read, so it is not in the page). */
  async read(actor: AuditActor, query: AuditQuery): Promise<AuditPage> {
    const page = await this.page(query);
    const { cursor, limit, ...filters } = query;
    await this.record(actor, { action: 'audit.read', subjectType: 'audit_log', details: { filters, limit, continued: cursor !== undefined } });
    return page;
  }

  /** Newest first, `limit` at a time, resumed from `cursor`. */
  async page(query: AuditQuery): Promise<AuditPage> {
    const before = query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor);
    const rows = await this.repository.find({ ...query, before, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return { items: page.map((row) => row.entry), nextCursor: rows.length > query.limit && last !== undefined ? encodeAuditCursor(last.position) : null };
  }
}

export function encodeAuditCursor(position: AuditPosition): string {
  return encodeCursor([position.occurredAt, position.id]);
}

export function decodeAuditCursor(cursor: string): AuditPosition {
  const [occurredAt, id] = (decodeCursor(cursor, ['string', 'string']) ?? []) as string[];
  if (occurredAt !== undefined && CURSOR_TIME.test(occurredAt) && UUID.test(id)) return { occurredAt, id };
  throw new AuthException(AuthErrorCode.InvalidCursor, 'cursor is not one this endpoint returned');
}
