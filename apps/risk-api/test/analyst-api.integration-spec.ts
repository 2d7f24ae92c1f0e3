import { jsonApi } from '@vigil/devstack';
import { createUser, PasswordHasher } from '@vigil/platform';

import { RiskHarness } from './risk-harness';
import { transfer } from './stories';

jest.setTimeout(180_000);

const PASSWORD = 'a-long-enough-password';
const HOUR = 3_600_000;

describe('the analysts’ API', () => {
  let harness: RiskHarness;
  let baseUrl: string;
  const tokens: Record<string, string> = {};

  const api = jsonApi(() => baseUrl);
  const audit = async (action: string) => (await api('GET', `/audit?action=${action}`, tokens.admin)).body.items as { subjectId: string; actor: string }[];

  beforeAll(async () => {
    harness = await RiskHarness.start();
    const app = await harness.startApp();
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    for (const role of ['admin', 'analyst', 'viewer'] as const) {
      await createUser({ databaseUrl: harness.database.url, service: 'risk-api', username: role, password: PASSWORD, role, hasher: new PasswordHasher({ ln: 10, r: 8, p: 1 }) });
      tokens[role] = (await api('POST', '/auth/token', undefined, { username: role, password: PASSWORD })).body.accessToken as string;
    }
    // Two structuring customers, so the queue has several alerts and two cases.
    const story = ['AQ-1', 'AQ-2'].flatMap((account) => [1, 2, 3, 4].map((i) => transfer(account, `${account}-B${i}`, '9400.00', i * HOUR)));
    await harness.sendTransactions(story);
    await harness.decided(story.map((tx) => tx.txId));
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('lists the queue by score, filters it, and pages through it by cursor without overlap', async () => {
    const all = await api('GET', '/alerts?limit=200', tokens.viewer);
    const blocks = await api('GET', '/alerts?decision=BLOCK&customer=C-AQ-1', tokens.viewer);
    const first = await api('GET', '/alerts?limit=2', tokens.viewer);
    const second = await api('GET', `/alerts?limit=2&cursor=${first.body.nextCursor}`, tokens.viewer);

    expect(all.status).toBe(200);
    const scores = all.body.items.map((a: { score: number }) => a.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(blocks.body.items.length).toBeGreaterThan(0);
    expect(blocks.body.items.every((a: { decision: string; customer: string }) => a.decision === 'BLOCK' && a.customer === 'C-AQ-1')).toBe(true);
    expect([...first.body.items, ...second.body.items].map((a: { id: string }) => a.id)).toEqual(all.body.items.slice(0, 4).map((a: { id: string }) => a.id));
    expect((await api('GET', '/alerts?cursor=garbage', tokens.viewer)).status).toBe(400);
    expect((await api('GET', '/alerts?minScore=7', tokens.viewer)).status).toBe(400);
  });

  it('shows an alert with its rule hits, contributions, the account’s history and its fund-flow neighbourhood, and audits the view', async () => {
    const [alert] = (await api('GET', '/alerts?customer=C-AQ-1&decision=BLOCK', tokens.viewer)).body.items;

    const detail = await api('GET', `/alerts/${alert.id}`, tokens.viewer);

    expect(detail.status).toBe(200);
    expect(detail.body.decision.rules.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(['STR-01', 'STR-02']));
    expect(detail.body.decision.topFeatures[0]).toMatchObject({ name: expect.any(String), value: expect.any(Number), contribution: expect.any(Number) });
    expect(detail.body.history.length).toBeGreaterThanOrEqual(3);
    expect(detail.body.neighbourhood.edges).toContainEqual(expect.objectContaining({ from: 'AQ-1', to: 'AQ-1-B1', count: 1 }));
    expect(detail.body.neighbourhood.nodes).toContainEqual({ id: 'AQ-1', focus: true });
    expect((await audit('alert.view')).map((e) => e.subjectId)).toContain(alert.id);
    expect((await api('GET', '/alerts/00000000-0000-4000-8000-000000000000', tokens.viewer)).status).toBe(404);
    expect((await api('GET', '/alerts/not-a-uuid', tokens.viewer)).status).toBe(400);
  });

  it('takes dispositions from analysts only, closes the alert, stores the label and audits it', async () => {
    const [alert] = (await api('GET', '/alerts?customer=C-AQ-2', tokens.viewer)).body.items;

    const refused = await api('POST', `/alerts/${alert.id}/disposition`, tokens.viewer, { disposition: 'FRAUD' });
    const invalid = await api('POST', `/alerts/${alert.id}/disposition`, tokens.analyst, { disposition: 'MAYBE' });
    const done = await api('POST', `/alerts/${alert.id}/disposition`, tokens.analyst, { disposition: 'FRAUD', note: 'confirmed with the customer' });

    expect(refused.status).toBe(403);
    expect(invalid.status).toBe(400);
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ id: alert.id, status: 'CLOSED', disposition: 'FRAUD' });
    const { rows } = await harness.db.query(`SELECT "label", "created_by" FROM "risk"."label" WHERE "tx_id" = $1`, [alert.txId]);
    expect(rows).toEqual([{ label: 'FRAUD', created_by: 'analyst' }]);
    expect((await audit('alert.disposition')).map((e) => [e.subjectId, e.actor])).toContainEqual([alert.id, 'analyst']);
  });

  it('groups alerts per customer in cases that analysts assign and move along', async () => {
    const cases = await api('GET', '/cases?customer=C-AQ-1', tokens.viewer);
    const [found] = cases.body.items;

    const updated = await api('PATCH', `/cases/${found.id}`, tokens.analyst, { status: 'IN_PROGRESS', assignee: 'analyst' });
    const detail = await api('GET', `/cases/${found.id}`, tokens.viewer);

    expect(cases.body.items).toHaveLength(1);
    expect(updated.body).toMatchObject({ status: 'IN_PROGRESS', assignee: 'analyst' });
    expect(detail.body.alerts.length).toBe(found.openAlerts);
    expect(detail.body.alerts.every((a: { customer: string }) => a.customer === 'C-AQ-1')).toBe(true);
    expect((await api('PATCH', `/cases/${found.id}`, tokens.viewer, { status: 'CLOSED' })).status).toBe(403);
    expect((await audit('case.update')).map((e) => e.subjectId)).toContain(found.id);
  });

  it('refuses a rule set that reads an unknown feature, naming where; deletes drafts only', async () => {
    const draft = {
      typologies: [{ id: 'velocity', name: 'Velocity', reviewThreshold: 0.5, blockThreshold: 0.9, rules: [{ id: 'V-1', name: 'Busy hour', expression: 'orig_count_1h > 5 and orig_cnt_24h > 9', score: 0.6 }] }],
    };

    const res = await api('POST', '/rule-sets', tokens.admin, draft);

    const kept = await api('POST', '/rule-sets', tokens.admin, { typologies: [] });
    const deleted = await fetch(`${baseUrl}/rule-sets/${kept.body.version}`, { method: 'DELETE', headers: { authorization: `Bearer ${tokens.admin}` } });
    const gone = await api('GET', `/rule-sets/${kept.body.version}`, tokens.viewer);
    const activeStays = await fetch(`${baseUrl}/rule-sets/1`, { method: 'DELETE', headers: { authorization: `Bearer ${tokens.admin}` } });

    expect([kept.status, deleted.status, gone.status, activeStays.status]).toEqual([201, 204, 404, 409]);
    expect(res.status).toBe(400);
    expect(res.body.problems[0]).toMatchObject({ path: 'typologies[0].rules[0].expression', position: { line: 1, column: 23 }, suggestion: 'orig_count_24h' });
    expect((await api('POST', '/rule-sets', tokens.analyst, draft)).status).toBe(403);
  });

  it('runs a draft in shadow beside the live rule set, then activates it; decisions stamp the version that decided', async () => {
    const draft = {
      typologies: [{ id: 'any_transfer', name: 'Any transfer', reviewThreshold: 0.5, blockThreshold: 0.9, rules: [{ id: 'ANY-1', name: 'Every transfer', expression: "tx.type == 'TRANSFER'", score: 0.6 }] }],
    };
    const created = await api('POST', '/rule-sets', tokens.admin, draft);
    const version = created.body.version as number;
    await api('PUT', `/rule-sets/${version}/shadow`, tokens.admin, { enabled: true });
    const shadowed = transfer('SH-1', 'SH-B', '12.00', 10 * HOUR);
    await harness.sendTransactions([shadowed]);
    await harness.decided([shadowed.txId]);

    const activated = await api('POST', `/rule-sets/${version}/activate`, tokens.admin);
    const afterwards = transfer('SH-1', 'SH-C', '13.00', 11 * HOUR);
    await harness.sendTransactions([afterwards]);
    await harness.decided([afterwards.txId]);

    expect(created.status).toBe(201);
    const shadow = await harness.db.query(`SELECT "rule_set_version", "decision" FROM "risk"."shadow_decision" WHERE "tx_id" = $1`, [shadowed.txId]);
    expect(shadow.rows).toEqual([{ rule_set_version: version, decision: 'REVIEW' }]);
    const live = await harness.db.query(`SELECT "tx_id", "rule_set_version", "decision" FROM "risk"."decision" WHERE "tx_id" = ANY($1) ORDER BY "processed_at"`, [[shadowed.txId, afterwards.txId]]);
    expect(live.rows).toEqual([
      { tx_id: shadowed.txId, rule_set_version: 1, decision: 'ALLOW' },
      { tx_id: afterwards.txId, rule_set_version: version, decision: 'REVIEW' },
    ]);
    expect(activated.body).toMatchObject({ version, status: 'active', shadow: false });
    expect((await api('GET', '/rule-sets/1', tokens.viewer)).body.status).toBe('retired');
    expect((await api('POST', `/rule-sets/1/activate`, tokens.admin)).status).toBe(409);
  });
});
