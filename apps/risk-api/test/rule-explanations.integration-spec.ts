import { RiskDecisionMessage, Topic } from '@vigil/contracts';
import { jsonApi } from '@vigil/devstack';
import { createUser, PasswordHasher } from '@vigil/platform';

import { RiskHarness } from './risk-harness';
import { transfer } from './stories';

jest.setTimeout(180_000);

const PASSWORD = 'a-long-enough-password';
const HOUR = 3_600_000;

/** The part of a stored rule set definition the assertions read. */
interface RuleSetDefinition {
  typologies: { rules: { id: string; bands?: { score: number }[] }[] }[];
}

/** Each rule hit keeps its explanation: on risk.decisions, in risk.decision, and in the alert detail. */
describe('rule hit explanations', () => {
  let harness: RiskHarness;
  let baseUrl: string;
  let token: string;
  const api = jsonApi(() => baseUrl);
  // Four transfers just below 10 000 in four hours: the fourth is flagged as structuring.
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

  it('publishes each hit with what the rule read, the values the decision was made on, and for a banded rule its band', async () => {
    const { rows } = await harness.db.query<{ features: Record<string, number>; definition: RuleSetDefinition }>(
      `SELECT d."features", r."definition" FROM "risk"."decision" d JOIN "risk"."rule_set" r ON r."version" = d."rule_set_version" WHERE d."tx_id" = $1`,
      [fourth],
    );
    const [{ features, definition }] = rows;
    const bandsOf = new Map(definition.typologies.flatMap((typology) => typology.rules.map((rule) => [rule.id, rule.bands] as const)));

    // Four payments just below 10 000 within hours: structuring fires, whatever its rules say exactly.
    expect(published.rules.length).toBeGreaterThan(0);
    for (const hit of published.rules) {
      const { text, inputs, band } = hit.explanation ?? { text: '', inputs: [] };
      expect(inputs.length).toBeGreaterThan(0);
      for (const input of inputs) {
        const value = input.name === 'tx.amount' ? 9_400 : input.name.startsWith('tx.') ? input.value : features[input.name];
        expect(input).toEqual({ name: input.name, value, matched: expect.any(Array) });
        expect(text).toContain(`${input.name} = `);
      }
      const bands = bandsOf.get(hit.id);
      if (bands === undefined) expect(band).toBeUndefined();
      else expect(bands[band?.index ?? -1]?.score ?? null).toBe(hit.score);
    }
    expect(published.rules.some((hit) => hit.explanation?.inputs.some((input) => input.name === 'orig_just_below_count_7d' && input.value === 4))).toBe(true);
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
    expect(detail.body.decision.thresholdsVersion).toBe(published.thresholdsVersion);
  });
});
