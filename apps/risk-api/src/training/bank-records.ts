import type { RiskDecisionMessage, Transaction } from '@vigil/contracts';
import type { SqlSession } from '@vigil/core-ml';

/** An analyst's disposition of an alert, stored in `risk.label` (the latest one counts). */
export type Disposition = 'FRAUD' | 'LEGIT' | 'ESCALATE';

/** A label with the typology the alert was raised for. */
export interface BankLabel {
  readonly label: Disposition;
  /** The typology of the decision's strongest rule hit; MODEL_ONLY when no rule hit (the model alone alerted). */
  readonly typology: string;
}

/** The typology of a positive that no rule flagged: the model alone raised its alert. */
export const MODEL_ONLY = 'model-only';

export interface StoredTransaction {
  readonly ingestSeq: number;
  readonly transaction: Transaction;
}

/** Rule id → typology id, per rule-set version. */
export type RuleTypologies = ReadonlyMap<number, ReadonlyMap<string, string>>;

/**
 * What training reads of the bank's own history (STYLE R2: the pipeline sees this port, never the
 * driver): the stored transactions in the order the service first stored them, the analysts'
 * labels with the typology each alert was raised for, and which transactions were alerted.
 */
export class BankRecords {
  constructor(private readonly db: SqlSession) {}

  /** How many transactions are stored up to now, and the last one's ingest position: the snapshot a run reads. */
  async extent(): Promise<{ count: number; lastSeq: number }> {
    const [row] = await this.db.query<{ n: string; last: string | null }>(`SELECT count(*) AS "n", max("ingest_seq") AS "last" FROM "risk"."transaction"`);
    return { count: Number(row.n), lastSeq: Number(row.last ?? 0) };
  }

  /** The stored transactions up to `lastSeq` in ingest order, `batch` at a time (keyset pages: memory stays at one page). */
  async *transactions(lastSeq: number, batch = 5000): AsyncGenerator<StoredTransaction[]> {
    for (let after = 0; ; ) {
      const rows = await this.db.query<{ payload: Transaction; ingest_seq: string }>(
        `SELECT "payload", "ingest_seq" FROM "risk"."transaction" WHERE "ingest_seq" > $1 AND "ingest_seq" <= $2 ORDER BY "ingest_seq" LIMIT $3`,
        [after, lastSeq, batch],
      );
      if (rows.length === 0) return;
      after = Number(rows[rows.length - 1].ingest_seq);
      yield rows.map((row) => ({ ingestSeq: Number(row.ingest_seq), transaction: row.payload }));
    }
  }

  /** Every label, each with the typology its decision's rule hits point to. */
  async labels(): Promise<Map<string, BankLabel>> {
    const typologies = await this.ruleTypologies();
    const rows = await this.db.query<{ tx_id: string; label: Disposition; rule_hits: RiskDecisionMessage['rules'] | null; rule_set_version: number | null }>(
      `SELECT l."tx_id", l."label", d."rule_hits", d."rule_set_version" FROM "risk"."label" l LEFT JOIN "risk"."decision" d USING ("tx_id")`,
    );
    return new Map(rows.map((row) => [row.tx_id, { label: row.label, typology: typologyOf(row.rule_hits ?? [], typologies.get(row.rule_set_version ?? -1)) }]));
  }

  /** Transactions that raised an alert (REVIEW or BLOCK), labelled or not. */
  async alerted(): Promise<Set<string>> {
    const rows = await this.db.query<{ tx_id: string }>(`SELECT "tx_id" FROM "risk"."alert"`);
    return new Set(rows.map((row) => row.tx_id));
  }

  /** The alert budget an admin set (`risk.alert_budget`); undefined when none is set or the schema predates it. */
  async budgetShare(): Promise<number | undefined> {
    const [table] = await this.db.query<{ found: boolean }>(`SELECT to_regclass('"risk"."alert_budget"') IS NOT NULL AS "found"`);
    if (!table.found) return undefined;
    const [row] = await this.db.query<{ share: string }>(`SELECT "share" FROM "risk"."alert_budget"`);
    return row && Number(row.share);
  }

  private async ruleTypologies(): Promise<RuleTypologies> {
    const rows = await this.db.query<{ version: number; definition: { typologies?: { id: string; rules?: { id: string }[] }[] } }>(
      `SELECT "version", "definition" FROM "risk"."rule_set"`,
    );
    return new Map(rows.map((row) => [row.version, new Map((row.definition.typologies ?? []).flatMap((t) => (t.rules ?? []).map((r): [string, string] => [r.id, t.id])))]));
  }
}

/**
 * The typology an alert was raised for: that of its strongest rule hit (the first of equals, in the
 * order the rule set reported them). Informational hits (score 0) say nothing; with no scoring hit
 * the model alone raised the alert (MODEL_ONLY). A rule missing from its rule set keeps its own id.
 */
export function typologyOf(hits: readonly { id: string; score: number }[], typologies: ReadonlyMap<string, string> | undefined): string {
  let strongest: { id: string; score: number } | undefined;
  for (const hit of hits) if (hit.score > 0 && (strongest === undefined || hit.score > strongest.score)) strongest = hit;
  if (strongest === undefined) return MODEL_ONLY;
  return typologies?.get(strongest.id) ?? strongest.id;
}
