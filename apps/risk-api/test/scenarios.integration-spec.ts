import { Topic } from '@vigil/contracts';

import { RiskHarness } from './risk-harness';
import { stories, Story } from './stories';

jest.setTimeout(180_000);

/**
 * Each AML typology and fraud pattern as a short story sent through the development broker:
 * the story's last transaction must get the expected features, rule hits and decision.
 */
describe('risk scenarios through the broker', () => {
  let harness: RiskHarness;
  const all: Story[] = stories();

  beforeAll(async () => {
    harness = await RiskHarness.start();
    await harness.startApp();
    const waves = Math.max(...all.map((story) => story.waves.length));
    for (let wave = 0; wave < waves; wave++) {
      const transactions = all.flatMap((story) => story.waves[wave] ?? []);
      await harness.sendTransactions(transactions);
      await harness.decided(transactions.map((tx) => tx.txId));
    }
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it.each(all.map((story) => [story.name, story] as const))('%s', async (_, story) => {
    const last = story.waves[story.waves.length - 1].slice(-1)[0];

    const { rows } = await harness.db.query(`SELECT "decision", "rule_hits", "features", "top_features" FROM "risk"."decision" WHERE "tx_id" = $1`, [last.txId]);

    const [row] = rows as { decision: string; rule_hits: { id: string }[]; features: Record<string, number>; top_features: { name: string }[] }[];
    expect(row.decision).toBe(story.expect.decision);
    expect(row.rule_hits.map((hit) => hit.id)).toEqual(expect.arrayContaining(story.expect.rules));
    if (story.expect.rules.length === 0) expect(row.rule_hits).toEqual([]);
    for (const [name, value] of Object.entries(story.expect.features)) expect(row.features[name]).toBeCloseTo(value, 2);
    if (story.expect.decision !== 'ALLOW') expect(row.top_features.length).toBeGreaterThan(0);
  });

  it('publishes one explained decision per transaction on risk.decisions', async () => {
    const sent = all.flatMap((story) => story.waves.flat());

    const published = await harness.readTopic(Topic.RiskDecisions, sent.length);

    expect(published.map((m) => m.key).sort()).toEqual(sent.map((tx) => tx.txId).sort());
    const structuring = JSON.parse(published.find((m) => m.key === 'ST-1-4')?.value ?? published[0].value) as Record<string, unknown>;
    expect(structuring).toMatchObject({ decision: expect.any(String), score: expect.any(Number), model: null, ruleSetVersion: 1, rules: expect.any(Array) });
  });

  it('raises an alert per REVIEW/BLOCK decision, filed under the customer’s case', async () => {
    const { rows } = await harness.db.query(
      `SELECT a."decision", c."customer" FROM "risk"."alert" a JOIN "risk"."case" c ON c."id" = a."case_id" WHERE a."tx_id" = $1`,
      ['ST-1-4'],
    );

    expect(rows).toEqual([{ decision: 'BLOCK', customer: 'C-ST-1' }]);
  });
});
