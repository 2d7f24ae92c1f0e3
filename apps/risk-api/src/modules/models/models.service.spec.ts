import type { ModelRecord } from '@vigil/core-ml';
import type { AuditLog, AuthenticatedUser } from '@vigil/platform';

import type { AlertBudgetService } from '../budget/alert-budget.service';
import type { LiveRiskModel } from './live-risk-model';
import type { ModelCards } from './model-cards';
import type { ModelComparisonRepository } from './model-comparison.repository';
import type { ModelDrift } from './model-drift';
import { ModelsService } from './models.service';
import type { RiskModelRegistry } from './models.tokens';
import { type CardForGate, DEFAULT_PROMOTION_POLICY } from './promotion-gate';

const admin = { id: 'u-1', username: 'root', role: 'admin' } as AuthenticatedUser;
const record = (version: number, status: ModelRecord['status']): ModelRecord => ({
  name: 'risk',
  version,
  manifestSha256: 'a'.repeat(64),
  metrics: {},
  status,
  artifactDir: `risk/${version}`,
  createdAt: '2026-11-01T00:00:00.000Z',
  registeredAt: '2026-11-01T00:00:00.000Z',
  promotedAt: null,
  manifest: { name: 'risk', version, created_at: '2026-11-01T00:00:00.000Z', seed: 1, features: [], metrics: {}, files: [], thresholds: { review: 0.5, block: 0.9 } },
});
const card: CardForGate = { criteria: [], promotion: { policy: { ...DEFAULT_PROMOTION_POLICY, minShadowScored: 100 }, comparedWith: { name: 'risk', version: 1 } } };
const counts = (scored: number) => ({
  scored,
  championThreshold: 0.9,
  challengerThreshold: 0.8,
  both: 0,
  championOnly: 0,
  challengerOnly: 0,
  championServed: 0,
  challengerServed: 0,
  fraud: 0,
  legit: 0,
  championFraudAlerts: 0,
  championLegitAlerts: 0,
  challengerFraudAlerts: 0,
  challengerLegitAlerts: 0,
});

describe(ModelsService.name, () => {
  let registry: { live: jest.Mock; get: jest.Mock; promote: jest.Mock; list: jest.Mock };
  let audit: { record: jest.Mock };
  let cards: { read: jest.Mock; writeLiveComparison: jest.Mock };
  let comparisons: { counts: jest.Mock };
  let live: { refresh: jest.Mock };
  let budget: { share: jest.Mock };
  let sut: ModelsService;

  beforeEach(() => {
    registry = {
      live: jest.fn().mockResolvedValue({ champion: { version: 1 }, shadow: { version: 2 } }),
      get: jest.fn((_: string, version: number) => Promise.resolve(record(version, version === 1 ? 'champion' : 'shadow'))),
      promote: jest.fn(async (_name: string, version: number, role: string, _actor: unknown, within: (tx: unknown, done: unknown) => Promise<void>) => {
        const promotion = { model: record(version, role as ModelRecord['status']), replaced: { version: 1, status: 'retired' }, changed: true };
        await within({ manager: 'tx' }, promotion);
        return promotion;
      }),
      list: jest.fn(),
    };
    audit = { record: jest.fn().mockResolvedValue(undefined) };
    cards = { read: jest.fn().mockResolvedValue(card), writeLiveComparison: jest.fn().mockResolvedValue('risk/2/live-comparison.md') };
    comparisons = { counts: jest.fn().mockResolvedValue(counts(40)) };
    live = { refresh: jest.fn().mockResolvedValue(undefined) };
    budget = { share: jest.fn().mockResolvedValue(0.005) };
    sut = new ModelsService(
      registry as unknown as RiskModelRegistry,
      live as unknown as LiveRiskModel,
      {} as ModelDrift,
      audit as unknown as AuditLog,
      cards as unknown as ModelCards,
      comparisons as unknown as ModelComparisonRepository,
      budget as unknown as AlertBudgetService,
    );
  });

  describe('promote', () => {
    it('refuses a champion that falls short of its card with 409 and the reasons, and audits the refusal', async () => {
      const act = sut.promote('risk', 2, 'champion', admin);

      await expect(act).rejects.toMatchObject({ status: 409, response: { code: 'MODEL_PROMOTION_REFUSED', reasons: ['40 transactions scored in shadow beside risk@1; the card asks for at least 100'] } });
      expect(registry.promote).not.toHaveBeenCalled();
      expect(audit.record).toHaveBeenCalledWith(admin, {
        action: 'model.promote.refused',
        subjectType: 'model',
        subjectId: 'risk@2',
        details: { role: 'champion', reasons: ['40 transactions scored in shadow beside risk@1; the card asks for at least 100'] },
      });
      // The shadow period the gate judged: all of it, beside the current champion, at the budget in force.
      expect(comparisons.counts).toHaveBeenCalledWith({ model: 'risk', champion: 1, challenger: 2, from: null, to: null, budget: 0.005, championReview: 0.5, challengerReview: 0.5 });
    });

    it('promotes once the shadow period is long enough', async () => {
      comparisons.counts.mockResolvedValue(counts(100));

      await expect(sut.promote('risk', 2, 'champion', admin)).resolves.toMatchObject({ changed: true, model: { version: 2, status: 'champion' } });

      expect(audit.record).toHaveBeenCalledWith(admin, { action: 'model.promote', subjectType: 'model', subjectId: 'risk@2', details: { role: 'champion', replaced: { version: 1, status: 'retired' } } }, 'tx');
      expect(live.refresh).toHaveBeenCalled();
    });

    it("takes an admin's override with its reason, recording what it overrode", async () => {
      await expect(sut.promote('risk', 2, 'champion', admin, { force: true, reason: 'signed off by the fraud team' })).resolves.toMatchObject({ changed: true });

      expect(audit.record).toHaveBeenCalledWith(
        admin,
        {
          action: 'model.promote',
          subjectType: 'model',
          subjectId: 'risk@2',
          details: { role: 'champion', replaced: { version: 1, status: 'retired' }, forced: true, overridden: ['40 transactions scored in shadow beside risk@1; the card asks for at least 100'], reason: 'signed off by the fraud team' },
        },
        'tx',
      );
    });

    it('gates neither the first champion nor a shadow', async () => {
      registry.live.mockResolvedValue({});

      await expect(sut.promote('risk', 2, 'champion', admin)).resolves.toMatchObject({ changed: true });
      await expect(sut.promote('risk', 3, 'shadow', admin)).resolves.toMatchObject({ changed: true });

      expect(cards.read).not.toHaveBeenCalled();
    });
  });

  describe('comparison', () => {
    it('compares the live pair at the budget asked for', async () => {
      await expect(sut.comparison('risk', { budget: 0.02, from: '2026-11-01T00:00:00Z' })).resolves.toMatchObject({ champion: { version: 1 }, challenger: { version: 2 }, budget: 0.02, scoredByBoth: 40 });

      expect(comparisons.counts).toHaveBeenCalledWith(expect.objectContaining({ budget: 0.02, from: '2026-11-01T00:00:00Z', to: null }));
    });

    it('needs a shadow when no challenger is named', async () => {
      registry.live.mockResolvedValue({ champion: { version: 1 } });

      await expect(sut.comparison('risk')).rejects.toMatchObject({ status: 409, response: { code: 'MODEL_NOTHING_TO_COMPARE' } });
    });
  });
});
