import { Transaction } from '@vigil/contracts';

import { DecisionRepository, StoredTransaction } from '../decision.repository';

/**
 * Postgres as FeatureState sees it: transactions in storage order, written by any instance, read the
 * way DecisionRepository reads them (the span's start, then keyset pages). Records every read.
 */
export class StoredTransactions {
  readonly rows: StoredTransaction[] = [];
  /** The spans rebuilds asked for. */
  readonly spans: number[] = [];
  /** Each page read: the ingest_seq it followed, the limit asked, the rows returned. */
  readonly pages: { after: number; limit: number; rows: number }[] = [];

  store(transactions: Transaction[]): void {
    for (const transaction of transactions) this.rows.push({ transaction, ingestSeq: this.rows.length + 1 });
  }

  asRepository(): DecisionRepository {
    const repository: Pick<DecisionRepository, 'historyStart' | 'loadSince'> = {
      historyStart: async (spanMs) => {
        this.spans.push(spanMs);
        const latest = Math.max(...this.rows.map(({ transaction }) => transaction.ts));
        const first = this.rows.find(({ transaction }) => transaction.ts > latest - spanMs);
        return first ? first.ingestSeq - 1 : 0;
      },
      // ingest_seq is the row's position + 1.
      loadSince: async (ingestSeq, limit) => {
        const page = this.rows.slice(ingestSeq, ingestSeq + limit);
        this.pages.push({ after: ingestSeq, limit, rows: page.length });
        return page;
      },
    };
    return repository as DecisionRepository;
  }
}
