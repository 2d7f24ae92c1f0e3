import { randomBytes } from 'node:crypto';

import { DLQ_HEADERS, deadLetterTopic, Topic } from '@vigil/contracts';
import { MetricsService } from '@vigil/platform';

import { RiskHarness, TransactionMessage } from './risk-harness';
import { transfer } from './stories';

jest.setTimeout(240_000);

const HOSTILE = 1_000;
const VALID = 200;
const MIB = 1024 * 1024;

/** The nth hostile message: every way a producer can break the contract, in turn. */
function hostile(n: number, valid: TransactionMessage): { key: string | null; value: string | Buffer } {
  const key = valid.originator.account;
  const json = (value: unknown) => ({ key, value: JSON.stringify(value) });
  if (n % 250 === 0) return json({ ...valid, txId: `H-${n}`, note: 'x'.repeat(MIB - 2_048) }); // ~1 MiB
  switch (n % 12) {
    case 0:
      return { key, value: `{"txId": "H-${n}", "amount": ` };
    case 1:
      return json([valid]);
    case 2:
      return json({ ...valid, txId: `H-${n}`, currency: undefined });
    case 3:
      return json({ ...valid, txId: `H-${n}`, amount: `-${n}.00` });
    case 4:
      return json({ ...valid, txId: `H-${n}`, amount: '99999999999999.99' });
    case 5:
      return json({ ...valid, txId: `H-${n}`, amount: true });
    case 6:
      return json({ ...valid, txId: `H-${n}`, originator: 'A-1' });
    case 7:
      return json({ ...valid, txId: `H-${n}`, ts: 'yesterday' });
    case 8:
      return { key: 'someone-else', value: JSON.stringify({ ...valid, txId: `H-${n}` }) };
    case 9:
      return { key, value: randomBytes(64) };
    case 10:
      return { key, value: `{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "txId": "H-${n}"}` };
    default:
      return json({ ...valid, txId: 'T'.repeat(65), type: 'GIFT', channel: 12 });
  }
}

describe('hostile input on transactions', () => {
  let harness: RiskHarness;
  const valid = Array.from({ length: VALID }, (_, i) => transfer(`HV-${i % 20}`, `HV-B${i}`, `${10 + i}.00`, i * 60_000));

  beforeAll(async () => {
    harness = await RiskHarness.start();
    await harness.startApp();
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('dead-letters every one of 1 000 malformed messages with a reason while valid traffic (and its duplicates) is decided once', async () => {
    // Streamed in slices, interleaved with valid traffic and re-sent duplicates.
    for (let slice = 0; slice < 10; slice++) {
      const goods = valid.slice(slice * 20, slice * 20 + 20);
      const bads = Array.from({ length: HOSTILE / 10 }, (_, i) => hostile(slice * 100 + i, goods[i % goods.length]));
      const duplicates = goods.slice(0, 5);
      await harness.send([...bads.slice(0, 50), ...goods.map((tx) => ({ key: tx.originator.account, value: JSON.stringify(tx) })), ...bads.slice(50)]);
      await harness.sendTransactions(duplicates);
    }

    await harness.decided(valid.map((tx) => tx.txId), 120_000);
    const dead = await harness.readTopic(deadLetterTopic(Topic.Transactions), HOSTILE, 120_000);

    expect(dead).toHaveLength(HOSTILE);
    for (const letter of dead) {
      expect(letter.headers[DLQ_HEADERS.errorCode]).toMatch(/^[A-Z_]+$/);
      expect(letter.headers[DLQ_HEADERS.errorMessage].length).toBeGreaterThan(5);
      expect(letter.headers[DLQ_HEADERS.sourceTopic]).toBe(Topic.Transactions);
    }
    const codes = new Set(dead.map((letter) => letter.headers[DLQ_HEADERS.errorCode]));
    expect([...codes].sort()).toEqual(['INVALID_FIELDS', 'KEY_MISMATCH', 'NOT_AN_OBJECT', 'NOT_JSON', 'TOO_LARGE']);
    const { rows } = await harness.db.query(`SELECT count(*)::int AS n FROM "risk"."decision"`);
    expect(rows[0].n).toBe(VALID);
    const decisions = await harness.readTopic(Topic.RiskDecisions, VALID);
    expect(decisions).toHaveLength(VALID);
    const metrics = await harness.app?.get(MetricsService).registry.getSingleMetric('kafka_messages_dead_lettered_total')?.get();
    expect(metrics?.values.reduce((sum, value) => sum + value.value, 0)).toBe(HOSTILE);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
