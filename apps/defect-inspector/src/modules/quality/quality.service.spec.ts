import { BadRequestException, ConflictException } from '@nestjs/common';
import { AuditLog, AuthenticatedUser } from '@vigil/platform';

import { Clock } from './clock';
import { Inspection, InspectionRepository } from './inspection.repository';
import { labelMeaning, QualityService } from './quality.service';
import { QualityStatsRepository } from './quality-stats.repository';

describe(labelMeaning.name, () => {
  it.each([
    ['FALSE_POSITIVE', 'DEFECT', { verdict: 'OK', defectClass: null }],
    ['FALSE_POSITIVE', 'OK', undefined],
    ['MISSED_DEFECT', 'OK', { verdict: 'DEFECT', defectClass: null }],
    ['MISSED_DEFECT', 'DEFECT', undefined],
    ['crack', 'OK', { verdict: 'DEFECT', defectClass: 'crack' }],
    ['crack', 'DEFECT', { verdict: 'DEFECT', defectClass: 'crack' }],
  ] as const)('%s of a %s verdict means %j', (label, verdict, expected) => {
    expect(labelMeaning(label, verdict)).toEqual(expected);
  });
});

describe(QualityService.name, () => {
  let sut: QualityService;
  let inspections: jest.Mocked<Pick<InspectionRepository, 'find' | 'relabel' | 'list' | 'images'>>;
  let stats: jest.Mocked<Pick<QualityStatsRepository, 'hourlyCounts' | 'timeSubgroups' | 'partSubgroups' | 'latestSnapshots' | 'cameraCounts' | 'cameraInspectionStats'>>;
  let audit: jest.Mocked<Pick<AuditLog, 'record'>>;
  const user = { username: 'eng', role: 'engineer' } as AuthenticatedUser;

  beforeEach(() => {
    inspections = { find: jest.fn(), relabel: jest.fn(), list: jest.fn(), images: jest.fn() };
    stats = { hourlyCounts: jest.fn(), timeSubgroups: jest.fn(), partSubgroups: jest.fn(), latestSnapshots: jest.fn(), cameraCounts: jest.fn(), cameraInspectionStats: jest.fn() };
    audit = { record: jest.fn() };
    sut = new QualityService(
      inspections as unknown as InspectionRepository,
      stats as unknown as QualityStatsRepository,
      audit as unknown as AuditLog,
      { now: () => Date.parse('2026-11-22T12:00:00Z') } as Clock,
    );
  });

  it('refuses a label that cannot correct the model’s verdict, with 409, storing nothing', async () => {
    inspections.find.mockResolvedValue({ id: '7', verdict: 'OK', defectClass: null } as Inspection);

    await expect(sut.relabel('7', { label: 'FALSE_POSITIVE' }, user)).rejects.toBeInstanceOf(ConflictException);
    expect(inspections.relabel).not.toHaveBeenCalled();
  });

  it('stores a relabel with its meaning and audits it inside the same transaction', async () => {
    inspections.find.mockResolvedValue({ id: '7', verdict: 'DEFECT', defectClass: 'dent' } as Inspection);
    inspections.relabel.mockImplementation(async (_id, _label, _by, run) => {
      await run('manager' as never);
      return { id: '7' } as Inspection;
    });

    await expect(sut.relabel('7', { label: 'FALSE_POSITIVE', note: 'glare' }, user)).resolves.toEqual({ id: '7' });
    expect(inspections.relabel).toHaveBeenCalledWith('7', { label: 'FALSE_POSITIVE', verdict: 'OK', defectClass: null, note: 'glare' }, 'eng', expect.any(Function));
    expect(audit.record).toHaveBeenCalledWith(
      user,
      { action: 'inspection.relabel', subjectType: 'inspection', subjectId: '7', details: { label: 'FALSE_POSITIVE', note: 'glare', modelVerdict: 'DEFECT', modelClass: 'dent' } },
      'manager',
    );
  });

  it('refuses a p-chart with more points than it draws before querying', async () => {
    await expect(sut.pChart({ line: 'L1', from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z', subgroup: '5m' })).rejects.toBeInstanceOf(BadRequestException);
    expect(stats.timeSubgroups).not.toHaveBeenCalled();
  });

  it('refuses a range that ends before it starts, naming both ends', async () => {
    await expect(sut.yield({ from: '2026-11-22T10:00:00Z', to: '2026-11-22T09:00:00Z' })).rejects.toMatchObject({
      response: { message: 'from (2026-11-22T10:00:00Z) must be before to (2026-11-22T09:00:00Z)' },
    });
  });

  it('reads camera health over the hour up to now by default', async () => {
    stats.latestSnapshots.mockResolvedValue([]);
    stats.cameraCounts.mockResolvedValue([]);
    stats.cameraInspectionStats.mockResolvedValue([]);

    await expect(sut.cameraHealth({})).resolves.toEqual({ from: '2026-11-22T11:00:00.000Z', to: '2026-11-22T12:00:00.000Z', cameras: [] });
    expect(stats.latestSnapshots).toHaveBeenCalledWith({ from: '2026-11-22T11:00:00.000Z', to: '2026-11-22T12:00:00.000Z' }, undefined);
    expect(stats.cameraCounts).toHaveBeenCalledWith({ fromMs: Date.parse('2026-11-22T11:00:00Z'), toMs: Date.parse('2026-11-22T12:00:00Z') }, undefined);
  });

  it('sums counts over the window’s whole buckets and states them, with the mean fps', async () => {
    stats.latestSnapshots.mockResolvedValue([]);
    stats.cameraCounts.mockResolvedValue([{ cameraId: 'cam-1', lineId: 'L1', counts: { received: 7250, rejected: 1, dropped: 8, gaps: 2, duplicates: 1, late: 0, resyncs: 0 } }]);
    stats.cameraInspectionStats.mockResolvedValue([]);

    const report = await sut.cameraHealth({ line: 'L1', from: '2026-11-22T10:00:05Z', to: '2026-11-22T10:05:05Z' });

    expect(stats.cameraCounts).toHaveBeenCalledWith({ fromMs: Date.parse('2026-11-22T10:00:10Z'), toMs: Date.parse('2026-11-22T10:05:00Z') }, 'L1');
    expect(report.cameras).toEqual([
      {
        cameraId: 'cam-1',
        lineId: 'L1',
        latest: null,
        counts: { from: '2026-11-22T10:00:10.000Z', to: '2026-11-22T10:05:00.000Z', fps: 25, received: 7250, rejected: 1, dropped: 8, gaps: 2, duplicates: 1, late: 0, resyncs: 0 },
        inspections: null,
      },
    ]);
  });

  it('reads no counts for a window without a whole bucket', async () => {
    stats.latestSnapshots.mockResolvedValue([]);
    stats.cameraInspectionStats.mockResolvedValue([]);

    await expect(sut.cameraHealth({ from: '2026-11-22T10:00:01Z', to: '2026-11-22T10:00:09Z' })).resolves.toMatchObject({ cameras: [] });
    expect(stats.cameraCounts).not.toHaveBeenCalled();
  });
});
