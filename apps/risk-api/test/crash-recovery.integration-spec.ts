import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

import { Topic, Transaction } from '@vigil/contracts';
import { freePort } from '@vigil/devstack';

import { computeFeatures } from '../src/modules/features';
import { RiskHarness } from './risk-harness';
import { transfer } from './stories';

jest.setTimeout(300_000);

const TRANSACTIONS = 1_500;
const MAIN = join(__dirname, '..', 'dist', 'main.js');

describe('risk-api killed with SIGKILL mid-stream', () => {
  let harness: RiskHarness;
  let service: ChildProcess | undefined;

  const start = async () => {
    service = spawn(process.execPath, [MAIN], { env: { ...process.env, ...harness.env, PORT: String(await freePort()), LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  };
  const decidedCount = async () => (await harness.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "risk"."decision"`)).rows[0].n;

  beforeAll(async () => {
    harness = await RiskHarness.start();
  });

  afterAll(async () => {
    service?.kill('SIGKILL');
    await harness?.stop();
  });

  it('stores and publishes exactly one decision per accepted transaction across two kills and restarts', async () => {
    const transactions = Array.from({ length: TRANSACTIONS }, (_, i) => transfer(`KR-${i % 97}`, `KR-B${i % 211}`, `${1 + (i % 500)}.00`, i * 1_000));
    await start();
    const sending = (async () => {
      for (let slice = 0; slice < 30; slice++) {
        await harness.sendTransactions(transactions.slice(slice * 50, slice * 50 + 50));
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();

    for (const killAt of [300, 900]) {
      while ((await decidedCount()) < killAt) await new Promise((resolve) => setTimeout(resolve, 10));
      const exited = once(service as ChildProcess, 'exit');
      service?.kill('SIGKILL');
      await exited;
      await start();
    }
    await sending;
    await harness.decided(transactions.map((tx) => tx.txId), 180_000);

    const published = await harness.readTopic(Topic.RiskDecisions, TRANSACTIONS);
    const keys = published.map((message) => message.key);
    expect(await decidedCount()).toBe(TRANSACTIONS);
    expect(new Set(keys).size).toBe(TRANSACTIONS);
    expect(keys).toHaveLength(TRANSACTIONS);
    const { rows } = await harness.db.query(`SELECT count(*)::int AS n FROM "risk"."decision" WHERE "published_at" IS NULL`);
    expect(rows[0].n).toBe(0);
  });

  it('stored exactly the features an uninterrupted run computes over the same history', async () => {
    const { rows } = await harness.db.query(
      `SELECT t."payload", d."features" FROM "risk"."transaction" t JOIN "risk"."decision" d USING ("tx_id") ORDER BY t."ingest_seq"`,
    );
    const stored = rows as { payload: Transaction; features: Record<string, number> }[];

    const uninterrupted = computeFeatures(stored.map((row) => row.payload));

    expect(stored).toHaveLength(TRANSACTIONS);
    stored.forEach((row, i) => expect(row.features).toEqual(uninterrupted[i]));
  });
});
