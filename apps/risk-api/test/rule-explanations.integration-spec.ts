import { RiskDecisionMessage, Topic } from '@vigil/contracts';
import { jsonApi } from '@vigil/devstack';
import { createUser, PasswordHasher } from '@vigil/platform';

import { RiskHarness } from './risk-harness';
import { transfer } from './stories';

jest.setTimeout(180_000);

const PASSWORD = 'a-long-enough-password';
const HOUR = 3_600_000;

/** Each rule hit keeps its explanation: on risk.decisions, in risk.decision, and in the alert detail. */
describe('rule hit explanations', () => {
  let harness: RiskHarness;
  let baseUrl: string;
  let token: string;
  const api = jsonApi(() => baseUrl);
  // Four transfers just below 10 000 in four hours: the fourth hits STR-01, the banded STR-02 and STR-03.
  const story = [1, 2, 3, 4].map((i) => transfer('EX-1', `EX-1-B${i}`, '9400.00', i * HOUR));
  const fourth = story[3].txId;
  let published: RiskDecisionMessage;

  beforeAll(async () => {
    harness = await RiskHarness.start();
    const app = await harness.startApp();
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    await createUser({ databaseUrl: harness.database.url, service: 'risk-api', username: 'viewer', password: PASSWORD, role: 'viewer', hasher: new PasswordHasher({ ln: 10, r: 8, p: 1 }) });
    token = (await api('POST', '/auth/token', undefined, { username: 'viewer', password: PASSWORD })).body.accessToken as string;
    await harness.sendTransactions(story);
    await harness.decided(story.map((tx) => tx.txId));
    const messages = await harness.readTopic(Topic.RiskDecisions, story.length);
    published = JSON.parse(messages.find((message) => message.key === fourth)?.value ?? 'null') as RiskDecisionMessage;
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('publishes each hit with what the rule read, the values, the tests that held and the band', () => {
    const byId = new Map(published.rules.map((hit) => [hit.id, hit]));

    expect([...byId.keys()]).toEqual(expect.arrayContaining(['STR-01', 'STR-02', 'STR-03']));
    expect(byId.get('STR-01')?.explanation).toEqual({
      text: 'tx_just_below_threshold = 1 (== 1)',
      inputs: [{ name: 'tx_just_below_threshold', value: 1, matched: ['== 1'] }],
    });
    expect(byId.get('STR-02')?.explanation).toEqual({
      text: 'orig_just_below_count_7d = 4 → band 3 (> 3): 0.6',
      inputs: [{ name: 'orig_just_below_count_7d', value: 4, matched: [] }],
      band: { value: 4, index: 2, range: '> 3' },
    });
    expect(byId.get('STR-03')?.explanation?.inputs).toEqual([
      { name: 'orig_count_24h', value: 4, matched: ['>= 3'] },
      { name: 'orig_sum_24h', value: 37_600, matched: ['>= 10000'] },
      { name: 'tx.amount', value: 9_400, matched: ['< 10000'] },
    ]);
  });

  it('stores the explanations with the decision', async () => {
    const { rows } = await harness.db.query<{ rule_hits: RiskDecisionMessage['rules'] }>(`SELECT "rule_hits" FROM "risk"."decision" WHERE "tx_id" = $1`, [fourth]);

    expect(rows[0].rule_hits).toEqual(published.rules);
  });

  it('returns them in the alert detail', async () => {
    const { rows } = await harness.db.query<{ id: string }>(`SELECT "id" FROM "risk"."alert" WHERE "tx_id" = $1`, [fourth]);

    const detail = await api('GET', `/alerts/${rows[0].id}`, token);

    expect(detail.status).toBe(200);
    expect(detail.body.decision.rules).toEqual(published.rules);
    expect(detail.body.decision.rules.every((hit: { explanation?: { text: string } }) => typeof hit.explanation?.text === 'string')).toBe(true);
  });
});
