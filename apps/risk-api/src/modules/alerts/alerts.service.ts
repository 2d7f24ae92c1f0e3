import { Injectable } from '@nestjs/common';
import { AuditLog, AuthenticatedUser, Page } from '@vigil/platform';

import { AlertRepository, AlertSummary, CaseSummary, FlowEdge } from './alert.repository';
import { alertsError, AlertsErrorCode } from './alerts.exception';
import { AlertQueryDto } from './dto/alert-query.dto';
import { CaseQueryDto, UpdateCaseDto } from './dto/case.dto';
import { DispositionDto } from './dto/disposition.dto';

const HISTORY_LENGTH = 25;
const NEIGHBOURHOOD_WINDOW_MS = 7 * 86_400_000;
const MAX_EDGES = 200;

export interface AlertDetail {
  alert: AlertSummary;
  transaction: Record<string, unknown>;
  decision: Record<string, unknown>;
  /** The originator account's latest transactions up to this one, both directions. */
  history: unknown[];
  /** The fund-flow graph around the originator over the 7 days up to this transaction. */
  neighbourhood: { focus: string; nodes: { id: string; focus: boolean }[]; edges: FlowEdge[] };
}

/** The analysts' work: the queue, an alert's story, dispositions (training labels) and cases. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly audit: AuditLog,
  ) {}

  async list(query: AlertQueryDto): Promise<Page<AlertSummary>> {
    return (await this.alerts.list(query)) ?? this.fail(AlertsErrorCode.BadCursor);
  }

  async detail(id: string, user: AuthenticatedUser): Promise<AlertDetail> {
    const alert = (await this.alerts.findAlert(id)) ?? this.fail(AlertsErrorCode.AlertNotFound, id);
    const found = (await this.alerts.findDecision(alert.txId)) ?? this.fail(AlertsErrorCode.AlertNotFound, id);
    const { ts } = found.transaction;
    const [history, edges] = await Promise.all([
      this.alerts.accountHistory(alert.account, ts, HISTORY_LENGTH),
      this.alerts.neighbourhood(alert.account, ts - NEIGHBOURHOOD_WINDOW_MS, ts, MAX_EDGES),
    ]);
    const accounts = [...new Set([alert.account, ...edges.flatMap((edge) => [edge.from, edge.to])])];
    await this.audit.record(user, { action: 'alert.view', subjectType: 'alert', subjectId: id });
    return {
      alert,
      transaction: found.transaction,
      decision: found.decision,
      history,
      neighbourhood: { focus: alert.account, nodes: accounts.map((account) => ({ id: account, focus: account === alert.account })), edges },
    };
  }

  async dispose(id: string, change: DispositionDto, user: AuthenticatedUser): Promise<AlertSummary> {
    const alert = await this.alerts.dispose(id, change.disposition, user.username, (manager) =>
      this.audit.record(user, { action: 'alert.disposition', subjectType: 'alert', subjectId: id, details: { ...change } }, manager),
    );
    return alert ?? this.fail(AlertsErrorCode.AlertNotFound, id);
  }

  async listCases(query: CaseQueryDto): Promise<Page<CaseSummary>> {
    return (await this.alerts.listCases(query)) ?? this.fail(AlertsErrorCode.BadCursor);
  }

  async caseDetail(id: string): Promise<CaseSummary & { alerts: AlertSummary[] }> {
    const found = (await this.alerts.findCase(id)) ?? this.fail(AlertsErrorCode.CaseNotFound, id);
    return { ...found, alerts: await this.alerts.caseAlerts(id) };
  }

  async updateCase(id: string, change: UpdateCaseDto, user: AuthenticatedUser): Promise<CaseSummary> {
    const updated = await this.alerts.updateCase(id, change, (manager) =>
      this.audit.record(user, { action: 'case.update', subjectType: 'case', subjectId: id, details: { ...change } }, manager),
    );
    return updated ?? this.fail(AlertsErrorCode.CaseNotFound, id);
  }

  private fail(code: AlertsErrorCode, subject?: string): never {
    throw alertsError(code, subject);
  }
}
