import { Transaction } from '@vigil/contracts';
import { createTestDatabase, TestDatabase } from '@vigil/devstack';
import { migrateUp } from '@vigil/migrations';
import { DataSource } from 'typeorm';

import { tx } from '../features/testing/transaction-builder';
import { DAY } from '../features/windows/durations';
import { DecisionRepository } from './decision.repository';

const START = Date.UTC(2026, 0, 1);
const SPAN = 181 * DAY;

describe(`${DecisionRepository.name} (reading history back)`, () => {
  let database: TestDatabase;
  let db: DataSource;
  let sut: DecisionRepository;

  /** Stores transactions the way saveBatch does (the columns the reads use); their ingest_seq in order. */
  async function store(transactions: Transaction[]): Promise<number[]> {
    const seqs: number[] = [];
    for (const t of transactions) {
      const [row] = (await db.query(
        `INSERT INTO "risk"."transaction" ("tx_id", "ts", "amount_minor", "currency", "type", "channel", "originator_account", "originator_customer",
           "beneficiary_account", "payload", "source_partition", "source_offset")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11) RETURNING "ingest_seq"`,
        [t.txId, new Date(t.ts).toISOString(), t.amountMinor, t.currency, t.type, t.channel, t.originator.account, t.originator.customer, t.beneficiary.account, t, seqs.length],
      )) as { ingest_seq: string }[];
      seqs.push(Number(row.ingest_seq));
    }
    return seqs;
  }

  beforeAll(async () => {
    database = await createTestDatabase('decisions');
    await migrateUp({ url: database.url });
    db = await new DataSource({ type: 'postgres', url: database.url }).initialize();
    sut = new DecisionRepository(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('starts at 0 and reads nothing while nothing is stored', async () => {
    await expect(sut.historyStart(SPAN)).resolves.toBe(0);
    await expect(sut.loadSince(0, 10)).resolves.toEqual([]);
  });

  it('starts a rebuild before the first transaction within the span of the latest, and pages through everything stored after it in storage order', async () => {
    // Prepare: one transaction every 10 days over 300 days; then two late arrivals, one stamped
    // before the span (read, as an uninterrupted run saw it there), one inside it.
    const onTime = Array.from({ length: 31 }, (_, i) => tx({ ts: START + i * 10 * DAY, to: `B-${i}` }));
    const late = [tx({ ts: START + 5 * DAY, to: 'B-late-old' }), tx({ ts: START + 295 * DAY, to: 'B-late-new' })];
    const seqs = await store([...onTime, ...late]);
    // The latest is day 300; the span reaches back to day 119 (exclusive): day 120 is the first inside.
    const firstInside = onTime.findIndex((t) => t.ts > START + 300 * DAY - SPAN);

    // Act
    const start = await sut.historyStart(SPAN);
    const pages = [];
    for (let after = start, page; (page = await sut.loadSince(after, 7)).length > 0; after = page[page.length - 1].ingestSeq) pages.push(page);

    // Assert
    expect(firstInside).toBe(12);
    expect(start).toBe(seqs[firstInside] - 1);
    expect(pages.map((page) => page.length)).toEqual([7, 7, 7]);
    const read = pages.flat();
    expect(read.map((row) => row.ingestSeq)).toEqual(seqs.slice(firstInside));
    expect(read.map((row) => row.transaction)).toEqual([...onTime.slice(firstInside), ...late]);
  });

  it('resumes after the last ingest_seq read, with what another instance stored since', async () => {
    // Prepare
    const [last] = (await db.query(`SELECT max("ingest_seq") AS "seq" FROM "risk"."transaction"`)) as { seq: string }[];
    const later = [tx({ ts: START + 301 * DAY, from: 'A-9', to: 'B-9' })];
    const [seq] = await store(later);

    // Act
    const page = await sut.loadSince(Number(last.seq), 7);

    // Assert
    expect(page).toEqual([{ transaction: later[0], ingestSeq: seq }]);
  });
});
