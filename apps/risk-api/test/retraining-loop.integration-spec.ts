/** @jest-environment @vigil/core-ml/test/ort-environment */
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { INestApplication } from '@nestjs/common';
import { pgDatabase, seedShippedModels, thresholdAtAlertRate, verifyArtifact } from '@vigil/core-ml';
import { jsonApi } from '@vigil/devstack';
import { createUser, PasswordHasher } from '@vigil/platform';
import { Pool } from 'pg';

import { LiveRiskModel } from '../src/modules/models/live-risk-model';
import { MODEL_REGISTRY, type RiskModelRegistry } from '../src/modules/models/models.tokens';
import { generate } from '../src/simulator/generate';
import { PATTERN_NAMES } from '../src/simulator/patterns';
import { BankRecords } from '../src/training/bank-records';
import { trainFromDatabase } from '../src/training/from-db';
import { parseArgs } from '../src/training/options';
import { trainRisk } from '../src/training/train-risk';
import { RiskHarness } from './risk-harness';

jest.setTimeout(600_000);

const PASSWORD = 'a-long-enough-password';
const ACTOR = { username: 'ci' };
/** The first days stream before the challenger is trained; the rest run with it in shadow. */
const TRAINING_DAYS = 8;
const MIN_SHADOW = 5000;

/**
 * The retraining loop of docs/retraining.md end to end: simulated bank traffic through the broker,
 * analysts working every alert through REST, `train:risk --from-db` (in-process, reduced sizes)
 * producing a challenger whose card compares it with the champion, the challenger in shadow on
 * more traffic, the live comparison, and the promotion gate refusing, then an audited override.
 */
describe('retraining from the analysts’ labels', () => {
  let harness: RiskHarness;
  let app: INestApplication;
  let baseUrl: string;
  let modelsRoot: string;
  const tokens: Record<string, string> = {};
  const api = jsonApi(() => baseUrl);
  const { transactions, truth } = generate({
    seed: 31,
    accounts: 400,
    days: 11,
    start: '2026-11-01',
    patterns: Object.fromEntries(PATTERN_NAMES.map((name) => [name, 3])),
    decoys: { payroll: 2, 'supplier-payments': 2 },
  });
  const positive = new Map(truth.map((t) => [t.txId, t.label !== 'benign']));
  const split = Date.parse('2026-11-01T00:00:00Z') + TRAINING_DAYS * 86_400_000;
  const early = transactions.filter((tx) => Date.parse(tx.ts) < split);
  const late = transactions.filter((tx) => Date.parse(tx.ts) >= split);

  /** Every alert not yet disposed of, disposed as the ground truth says; every tenth benign one escalated instead. */
  const workTheQueue = async (): Promise<{ fraud: number; legit: number; escalated: number }> => {
    const todo: { id: string; txId: string }[] = [];
    for (let cursor: string | null = null; ; ) {
      const page = await api('GET', `/alerts?sort=created&limit=200${cursor ? `&cursor=${cursor}` : ''}`, tokens.viewer);
      todo.push(...(page.body.items as { id: string; txId: string; disposition: string | null }[]).filter((a) => a.disposition === null));
      cursor = page.body.nextCursor as string | null;
      if (cursor === null) break;
    }
    const done = { fraud: 0, legit: 0, escalated: 0 };
    for (const alert of todo) {
      // The first benign alert and every tenth after it are escalated, so each outcome occurs.
      const disposition = positive.get(alert.txId) === true ? 'FRAUD' : (done.legit + done.escalated) % 10 === 0 ? 'ESCALATE' : 'LEGIT';
      const res = await api('POST', `/alerts/${alert.id}/disposition`, tokens.analyst, { disposition });
      expect(res.status).toBe(201);
      done[disposition === 'FRAUD' ? 'fraud' : disposition === 'LEGIT' ? 'legit' : 'escalated']++;
    }
    return done;
  };

  beforeAll(async () => {
    modelsRoot = await mkdtemp(path.join(tmpdir(), 'vigil-retraining-'));
    // The bank's champion: the simulated pipeline's reduced run, on the features this engine computes.
    await trainRisk(parseArgs(['--reduced', '--out', modelsRoot], 2, process.cwd()).training, { step: () => undefined, progress: () => () => undefined });
    harness = await RiskHarness.start();
    app = await harness.startApp({ MODELS_DIR: modelsRoot });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    for (const role of ['admin', 'analyst', 'viewer'] as const) {
      await createUser({ databaseUrl: harness.database.url, service: 'risk-api', username: role, password: PASSWORD, role, hasher: new PasswordHasher({ ln: 10, r: 8, p: 1 }) });
      tokens[role] = (await api('POST', '/auth/token', undefined, { username: role, password: PASSWORD })).body.accessToken as string;
    }
  });

  afterAll(async () => {
    await harness?.stop();
    if (modelsRoot) await rm(modelsRoot, { recursive: true, force: true });
  });

  it('seeds the first champion as a fresh platform does, and analysts work its alerts through REST', async () => {
    const seeded = await seedShippedModels(app.get<RiskModelRegistry>(MODEL_REGISTRY), ACTOR);
    await app.get(LiveRiskModel).refresh();

    await harness.sendTransactions(early);
    await harness.decided(early.map((tx) => tx.txId), 240_000);
    const worked = await workTheQueue();

    expect(seeded.promoted.map((m) => [m.version, m.status])).toEqual([[1, 'champion']]);
    const { rows } = await harness.db.query(`SELECT "label", count(*)::int AS "n" FROM "risk"."label" GROUP BY "label" ORDER BY "label"`);
    expect(rows).toEqual([
      { label: 'ESCALATE', n: worked.escalated },
      { label: 'FRAUD', n: worked.fraud },
      { label: 'LEGIT', n: worked.legit },
    ]);
    expect(worked.fraud).toBeGreaterThan(20);
    expect(worked.escalated).toBeGreaterThan(0);
    expect(worked.legit).toBeGreaterThan(0);
  });

  it('trains a challenger from the bank’s data with the documented command, compares it with the champion in its card, and makes it the shadow', async () => {
    const { training, fromDb } = parseArgs(['--from-db', '--reduced', '--out', modelsRoot, '--min-shadow', String(MIN_SHADOW)], 2, process.cwd());
    const pool = new Pool({ connectionString: harness.database.url, max: 2 });
    const steps: string[] = [];
    let trained;
    try {
      const db = pgDatabase(pool);
      trained = await trainFromDatabase(training, fromDb!, { records: new BankRecords(db), registry: app.get<RiskModelRegistry>(MODEL_REGISTRY), actor: ACTOR }, { step: (line) => steps.push(line), progress: () => () => undefined });
    } finally {
      await pool.end();
    }
    const { dir, card, record, shadow } = trained;
    await app.get(LiveRiskModel).refresh();

    expect(dir).toBe(path.join(modelsRoot, 'risk', '2'));
    expect([record.version, shadow?.model.status]).toEqual([2, 'shadow']);
    const { manifest } = await verifyArtifact(dir);
    expect(manifest).toMatchObject({ source: 'bank', challengerOf: { name: 'risk', version: 1 }, stack: { inputs: ['trees', 'sequence'] } });
    expect(card.bank.fit.rows + card.bank.stack.rows + card.bank.evaluation.rows).toBe(early.length);
    // The split is in time: fit, then stack, then evaluation.
    expect(card.bank.fit.to < card.bank.stack.from && card.bank.stack.to < card.bank.evaluation.from).toBe(true);
    expect(card.bank.evaluation.fraud).toBeGreaterThan(0);
    expect(card.evaluation.map((r) => [r.name, r.version])).toEqual([
      ['challenger', 2],
      ['champion', 1],
    ]);
    for (const report of card.evaluation) {
      expect(report.prAuc).toBeGreaterThan(0);
      expect(report.atBudget.alertShare).toBeLessThanOrEqual(card.budget.share);
      expect(report.perTypology.length).toBeGreaterThan(0);
    }
    expect(card.prior?.weight).toBeCloseTo(500 / (500 + card.bank.fit.fraud + card.bank.fit.legit + card.bank.stack.fraud + card.bank.stack.legit), 6);
    expect(card.criteria.map((c) => c.criterion)).toEqual(expect.arrayContaining([expect.stringMatching(/^precision on labelled alerts/), expect.stringMatching(/^PR-AUC/)]));
    expect(card.promotion).toMatchObject({ comparedWith: { name: 'risk', version: 1 }, policy: { minShadowScored: MIN_SHADOW, budget: 0.01 } });
    const markdown = await readFile(path.join(dir, 'card.md'), 'utf8');
    expect(markdown).toContain('| challenger v2 |');
    expect(markdown).toContain('| champion v1 |');
    expect(steps.at(-1)).toBe(`writing ${dir}`);
    expect(app.get(LiveRiskModel).versions).toMatchObject({ champion: 1, shadow: 2 });
  });

  it('scores the later traffic in shadow and answers the champion/challenger comparison', async () => {
    await harness.sendTransactions(late);
    await harness.decided(late.map((tx) => tx.txId), 240_000);
    await workTheQueue();

    const report = await api('GET', '/models/risk/comparison', tokens.viewer);
    const windowed = await api('GET', `/models/risk/comparison?from=${encodeURIComponent('2099-01-01T00:00:00Z')}`, tokens.viewer);

    const { rows } = await harness.db.query<{ a: number; b: number; label: string | null }>(
      `SELECT (d."model" ->> 'score')::float8 AS "a", s."score" AS "b", l."label" FROM "risk"."shadow_model_score" s
         JOIN "risk"."decision" d USING ("tx_id") LEFT JOIN "risk"."label" l USING ("tx_id") WHERE s."model_version" = 2`,
    );
    expect(rows.length).toBe(late.length);
    expect(report.status).toBe(200);
    const body = report.body;
    expect(body).toMatchObject({ model: 'risk', champion: { version: 1 }, challenger: { version: 2 }, budget: 0.01, scoredByBoth: late.length });
    // The thresholds Postgres found are core-ml's thresholdAtAlertRate over the same scores.
    expect(body.atBudget.champion.threshold).toBe(thresholdAtAlertRate(rows.map((r) => r.a), 0.01));
    expect(body.atBudget.challenger.threshold).toBe(thresholdAtAlertRate(rows.map((r) => r.b), 0.01));
    const flaggedA = rows.map((r) => r.a >= body.atBudget.champion.threshold);
    const flaggedB = rows.map((r) => r.b >= body.atBudget.challenger.threshold);
    expect(body.atBudget.agreement).toEqual({
      both: rows.filter((_, i) => flaggedA[i] && flaggedB[i]).length,
      neither: rows.filter((_, i) => !flaggedA[i] && !flaggedB[i]).length,
      championOnly: rows.filter((_, i) => flaggedA[i] && !flaggedB[i]).length,
      challengerOnly: rows.filter((_, i) => !flaggedA[i] && flaggedB[i]).length,
      rate: rows.filter((_, i) => flaggedA[i] === flaggedB[i]).length / rows.length,
    });
    expect(body.labelled.fraud).toBe(rows.filter((r) => r.label === 'FRAUD').length);
    expect(body.labelled.challenger.fraudAlerts).toBe(rows.filter((r, i) => flaggedB[i] && r.label === 'FRAUD').length);
    expect(body.atBudget.champion.alertShare).toBeLessThanOrEqual(0.01);
    expect(windowed.body.scoredByBoth).toBe(0);
    expect((await api('GET', '/models/risk/comparison')).status).toBe(401);
  });

  it('writes the comparison beside the challenger’s card for admins, audited', async () => {
    const refused = await api('POST', '/models/risk/comparison', tokens.analyst, {});
    const written = await api('POST', '/models/risk/comparison', tokens.admin, {});

    expect([refused.status, written.status]).toEqual([403, 200]);
    expect(written.body.card).toBe('risk/2/live-comparison.md');
    const markdown = await readFile(path.join(modelsRoot, 'risk', '2', 'live-comparison.md'), 'utf8');
    expect(markdown).toContain(`Transactions scored by both: ${late.length}.`);
    await access(path.join(modelsRoot, 'risk', '2', 'live-comparison.json'));
    // The card registered with the version is untouched: its checksums still hold.
    await expect(verifyArtifact(path.join(modelsRoot, 'risk', '2'))).resolves.toBeDefined();
    const audit = await api('GET', '/audit?action=model.compare', tokens.admin);
    expect(audit.body.items.map((e: { subjectId: string; actor: string }) => [e.subjectId, e.actor])).toEqual([['risk@2', 'admin']]);
  });

  it('refuses the promotion with the card’s reasons, then takes an admin’s override with a reason, audited', async () => {
    const refused = await api('POST', '/models/risk/versions/2/promote', tokens.admin, { role: 'champion' });
    const noReason = await api('POST', '/models/risk/versions/2/promote', tokens.admin, { role: 'champion', force: true });
    const reason = 'shadow period cut short: the fraud team signed off the card';
    const forced = await api('POST', '/models/risk/versions/2/promote', tokens.admin, { role: 'champion', force: true, reason });

    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('MODEL_PROMOTION_REFUSED');
    expect(refused.body.reasons).toContainEqual(`${late.length} transactions scored in shadow beside risk@1; the card asks for at least ${MIN_SHADOW}`);
    expect(noReason.status).toBe(400);
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ changed: true, model: { version: 2, status: 'champion' }, replaced: { version: 1, status: 'retired' } });
    const refusals = await api('GET', '/audit?action=model.promote.refused', tokens.admin);
    expect(refusals.body.items).toEqual([expect.objectContaining({ subjectId: 'risk@2', actor: 'admin', details: { role: 'champion', reasons: refused.body.reasons } })]);
    const promotions = await api('GET', '/audit?action=model.promote', tokens.admin);
    expect(promotions.body.items).toEqual([
      expect.objectContaining({ subjectId: 'risk@2', actor: 'admin', details: expect.objectContaining({ role: 'champion', forced: true, reason, overridden: refused.body.reasons }) }),
    ]);
  });
});
