import { AuditLog, JsonLogger } from '@vigil/platform';
import pino from 'pino';
import { EntityManager } from 'typeorm';

import { DecidedTransaction } from '../decisions/decided-transaction';
import { RuleSetsService } from '../rule-sets/rule-sets.service';
import { AlertBudget } from './alert-budget';
import { AlertBudgetRepository, ThresholdVersion } from './alert-budget.repository';
import { AlertBudgetOptions, AlertBudgetService, BudgetedModel } from './alert-budget.service';

const OPTIONS: AlertBudgetOptions = { settings: { share: 0.01, blockShare: 0.1, epochSize: 1_000, warmup: 200, reestimateEvery: 100 }, segmentBy: 'channel' };
const CHAMPION: BudgetedModel = { name: 'risk', version: 1, shipped: { review: 0.0051, block: 0.79 } };
const SHADOW: BudgetedModel = { name: 'risk', version: 2, shipped: { review: 0.02, block: 0.9 } };
const admin = { id: 'a', username: 'root', role: 'admin' as const };
const transaction = { id: 'tx' } as unknown as EntityManager;

/** `count` stored decisions: scores i/count, on ATM or ONLINE, every 50th flagged by rule STR-01. */
function decided(count: number, withShadow = false): DecidedTransaction[] {
  return Array.from({ length: count }, (_, i) => {
    const flagged = i % 50 === 0;
    return {
      transaction: { channel: i % 2 === 0 ? 'ATM' : 'ONLINE', type: 'TRANSFER' },
      decision: { rules: flagged ? [{ id: 'STR-01', name: 'n', score: 0.5 }] : [], model: { name: 'risk', version: '1', score: i / count } },
      rulesDecision: flagged ? 'REVIEW' : 'ALLOW',
      ...(withShadow ? { shadowModel: { name: 'risk', version: 2, score: (count - i) / count, decision: 'ALLOW' } } : {}),
    } as unknown as DecidedTransaction;
  });
}

describe(AlertBudgetService.name, () => {
  let repository: { findShare: jest.Mock; setShare: jest.Mock; nextVersion: jest.Mock; store: jest.Mock; latest: jest.Mock };
  let audit: { record: jest.Mock };
  let stored: ThresholdVersion[];
  let sut: AlertBudgetService;

  beforeEach(() => {
    stored = [];
    let version = 0;
    repository = {
      findShare: jest.fn().mockResolvedValue(undefined),
      setShare: jest.fn(async (share: number, updatedBy: string, run: (m: EntityManager, previous: number | undefined) => Promise<void>) => {
        await run(transaction, undefined);
        repository.findShare.mockResolvedValue({ share, updatedBy, updatedAt: '2026-11-01T00:00:00.000Z' });
      }),
      nextVersion: jest.fn(async () => ++version),
      store: jest.fn(async (row: ThresholdVersion) => void stored.push(row)),
      latest: jest.fn().mockResolvedValue(undefined),
    };
    audit = { record: jest.fn().mockResolvedValue(undefined) };
    const ruleSets = { live: jest.fn().mockResolvedValue({ active: { typologies: [{ id: 'structuring', rules: [{ id: 'STR-01', name: 'Just below the reporting threshold' }] }] } }) };
    sut = new AlertBudgetService(
      repository as unknown as AlertBudgetRepository,
      ruleSets as unknown as RuleSetsService,
      audit as unknown as AuditLog,
      new JsonLogger(pino({ level: 'silent' })),
      OPTIONS,
    );
  });

  describe('acquire', () => {
    it('starts a new champion on its shipped thresholds, stored as a version before any decision stamps it', async () => {
      // Act
      const { live } = await sut.acquire({ champion: CHAMPION });

      // Assert
      expect(live.thresholdsFor()).toEqual({ ...CHAMPION.shipped, basis: 'shipped', version: 1 });
      expect(stored).toEqual([expect.objectContaining({ version: 1, model: { name: 'risk', version: 1 }, share: 0.01, blockShare: 0.1, segmentBy: 'channel' })]);
      expect(stored[0].thresholds.global).toEqual({ ...CHAMPION.shipped, basis: 'shipped' });
    });

    it('continues from the stored state of the same model and segmentation, without a new version', async () => {
      // Prepare
      const previous = new AlertBudget(OPTIONS.settings, CHAMPION.shipped);
      for (let i = 0; i < 350; i++) previous.observe({ score: i / 350, rulesFlagged: false, segment: 'ATM' });
      previous.reestimate(41);
      repository.latest.mockResolvedValue({ version: 41, segmentBy: 'channel', state: previous.snapshot() });

      // Act
      const { live } = await sut.acquire({ champion: CHAMPION });

      // Assert
      expect(repository.latest).toHaveBeenCalledWith({ name: 'risk', version: 1 });
      expect(live.thresholdsFor('ATM')).toEqual(previous.thresholdsFor('ATM'));
      expect(live.thresholdsFor('ATM')).toMatchObject({ basis: 'segment', version: 41 });
      expect(repository.store).not.toHaveBeenCalled();
    });

    it('warms up again when the segmentation changed since the state was stored', async () => {
      // Prepare
      const previous = new AlertBudget(OPTIONS.settings, CHAMPION.shipped);
      previous.reestimate(41);
      repository.latest.mockResolvedValue({ version: 41, segmentBy: 'type', state: previous.snapshot() });

      // Act
      const { live } = await sut.acquire({ champion: CHAMPION });

      // Assert
      expect(live.thresholdsFor()).toEqual({ ...CHAMPION.shipped, basis: 'shipped', version: 1 });
    });

    it('gives the shadow its own budget at the same share', async () => {
      // Act
      const { live, shadow } = await sut.acquire({ champion: CHAMPION, shadow: SHADOW });

      // Assert
      expect(shadow?.thresholdsFor()).toEqual({ ...SHADOW.shipped, basis: 'shipped', version: 2 });
      expect(shadow?.share).toBe(live.share);
      expect(stored.map((row) => row.model.version)).toEqual([1, 2]);
    });

    it('has the rules alone counted when there is no champion', async () => {
      // Act
      const { live } = await sut.acquire({});
      await sut.observe({ live }, decided(100));

      // Assert
      expect(() => live.thresholdsFor()).toThrow('a budget without a model has no thresholds');
      expect(live.report()).toMatchObject({ transactions: 100, rulesFlaggedShare: 0.02 });
      await expect(sut.view()).resolves.toMatchObject({ model: null, thresholds: null, status: expect.stringContaining('no champion') });
    });

    it('fails the batch while a version cannot be stored, and stores it before the next batch decides', async () => {
      // Prepare
      repository.store.mockRejectedValueOnce(new Error('connection lost'));

      // Act
      const first = sut.acquire({ champion: CHAMPION });

      // Assert
      await expect(first).rejects.toThrow('connection lost');
      const { live } = await sut.acquire({ champion: CHAMPION });
      expect(live.version).toBe(1);
      expect(stored.map((row) => row.version)).toEqual([1]);
    });
  });

  describe('observe', () => {
    it('counts the stored batch for champion and shadow and stores each re-estimate that fell due', async () => {
      // Prepare
      const budgets = await sut.acquire({ champion: CHAMPION, shadow: SHADOW });

      // Act
      await sut.observe(budgets, decided(400, true));

      // Assert
      expect(budgets.live.report()).toMatchObject({ transactions: 400, scored: 400, phase: 'operating', version: 3 });
      expect(budgets.shadow?.report()).toMatchObject({ transactions: 400, scored: 400, version: 4 });
      expect(stored.map((row) => [row.version, row.model.version, row.thresholds.global.basis])).toEqual([
        [1, 1, 'shipped'],
        [2, 2, 'shipped'],
        [3, 1, 'window'],
        [4, 2, 'window'],
      ]);
      expect(stored[2].samples).toMatchObject({ transactions: 400, rulesFlaggedShare: 0.02 });
      expect(stored[2].state).toEqual(budgets.live.snapshot());
    });

    it('logs a version it could not store instead of failing the stored batch, and stores it first at the next acquire', async () => {
      // Prepare
      const budgets = await sut.acquire({ champion: CHAMPION });
      repository.store.mockRejectedValueOnce(new Error('connection lost'));

      // Act
      await expect(sut.observe(budgets, decided(400))).resolves.toBeUndefined();
      const again = await sut.acquire({ champion: CHAMPION });

      // Assert
      expect(again.live).toBe(budgets.live);
      expect(stored.map((row) => row.version)).toEqual([1, 2]);
      expect(stored[1].state).toEqual(budgets.live.snapshot());
    });
  });

  describe('setShare', () => {
    it('stores the share with the audit record in one transaction, and the next batch re-estimates at once', async () => {
      // Prepare
      const first = await sut.acquire({ champion: CHAMPION });

      // Act
      const view = await sut.setShare(0.02, admin);
      const next = await sut.acquire({ champion: CHAMPION });

      // Assert
      expect(audit.record).toHaveBeenCalledWith(admin, { action: 'alert_budget.set', subjectType: 'alert_budget', details: { share: 0.02, previous: 0.01 } }, transaction);
      expect(view).toMatchObject({ share: 0.02, setBy: { username: 'root', at: '2026-11-01T00:00:00.000Z' } });
      expect(next.live).toBe(first.live);
      expect(next.live.share).toBe(0.02);
      expect(stored.map((row) => [row.version, row.share])).toEqual([
        [1, 0.01],
        [2, 0.02],
      ]);
    });
  });

  describe('view', () => {
    it('reports the window and each rule’s hit rate against the budget, named', async () => {
      // Prepare
      const budgets = await sut.acquire({ champion: CHAMPION });
      await sut.observe(budgets, decided(400));

      // Act
      const view = await sut.view();

      // Assert
      expect(view).toMatchObject({
        share: 0.01,
        setBy: null,
        segmentBy: 'channel',
        model: { name: 'risk', version: 1 },
        phase: 'operating',
        version: 2,
        status: 'operating: thresholds version 2 from the last 400 transactions',
        window: { transactions: 400, scored: 400, rulesFlaggedShare: 0.02 },
        shadow: null,
      });
      expect(Object.keys(view.segments)).toEqual(['ATM', 'ONLINE']);
      expect(view.rules).toEqual([{ rule: 'STR-01', name: 'Just below the reporting threshold', typology: 'structuring', hits: 8, hitRate: 0.02, alertRate: 0.02, noisy: true }]);
    });

    it('says when this instance has decided nothing yet', async () => {
      // Act
      const view = await sut.view();

      // Assert
      expect(view).toMatchObject({ model: null, phase: 'warm-up', version: null, status: 'no transaction decided by this instance yet', rules: [] });
    });
  });
});

