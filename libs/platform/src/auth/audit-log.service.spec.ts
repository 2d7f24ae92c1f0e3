import { Correlation } from '../logging';
import { AuditLog, decodeAuditCursor, encodeAuditCursor } from './audit-log.service';
import { AuditLogRecord } from './auth.entities';
import { AuthErrorCode } from './auth.exception';
import { AuditRepository, AuditRow } from './audit.repository';

const row = (n: number): AuditRow => {
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const entry = { id, occurredAt: new Date(`2026-11-22T12:00:0${n}.000Z`), actor: 'ana', actorRole: 'analyst', action: 'alert.view' } as AuditLogRecord;
  return { entry, position: { occurredAt: `2026-11-22T12:00:0${n}.000123Z`, id } };
};

describe(AuditLog.name, () => {
  let repository: { append: jest.Mock; find: jest.Mock };
  let sut: AuditLog;

  beforeEach(() => {
    repository = { append: jest.fn().mockResolvedValue(undefined), find: jest.fn() };
    sut = new AuditLog(repository as unknown as AuditRepository);
  });

  it('records the actor, the action and the correlation id of the work in progress', async () => {
    await Correlation.run('req-42', () => sut.record({ username: 'ana', role: 'analyst' }, { action: 'alert.disposition', subjectType: 'alert', subjectId: 'A-1', details: { disposition: 'FRAUD' } }));

    expect(repository.append).toHaveBeenCalledWith(
      { actor: 'ana', actorRole: 'analyst', action: 'alert.disposition', subjectType: 'alert', subjectId: 'A-1', details: { disposition: 'FRAUD' }, correlationId: 'req-42' },
      undefined,
    );
  });

  it('fills what an event leaves out', async () => {
    await sut.record({ username: 'ana', role: 'analyst' }, { action: 'x', subjectType: 'y' });

    expect(repository.append).toHaveBeenCalledWith(expect.objectContaining({ subjectId: null, details: {}, correlationId: null }), undefined);
  });

  it('pages newest first and hands out a cursor only when more entries remain', async () => {
    repository.find.mockResolvedValueOnce([row(3), row(2), row(1)]);

    const first = await sut.page({ limit: 2 });

    expect(repository.find).toHaveBeenCalledWith({ limit: 3, before: undefined });
    expect(first.items.map((entry) => entry.id)).toEqual([row(3).entry.id, row(2).entry.id]);
    expect(first.nextCursor).not.toBeNull();

    repository.find.mockResolvedValueOnce([row(1)]);
    const second = await sut.page({ limit: 2, actor: 'ana', cursor: first.nextCursor ?? undefined });

    expect(repository.find).toHaveBeenLastCalledWith({ limit: 3, actor: 'ana', cursor: first.nextCursor, before: row(2).position });
    expect(second).toEqual({ items: [row(1).entry], nextCursor: null });
  });

  it('refuses a cursor it did not make', async () => {
    await expect(sut.page({ limit: 2, cursor: 'garbage' })).rejects.toMatchObject({ code: AuthErrorCode.InvalidCursor, status: 400 });
    await expect(sut.page({ limit: 2, cursor: Buffer.from('["2026-01-01", "x"]').toString('base64url') })).rejects.toMatchObject({ status: 400 });
  });

  it('records who read the log, after reading it', async () => {
    repository.find.mockResolvedValue([]);

    await expect(sut.read({ username: 'root', role: 'admin' }, { limit: 10, action: 'user.create' })).resolves.toEqual({ items: [], nextCursor: null });

    expect(repository.append).toHaveBeenCalledWith(expect.objectContaining({ actor: 'root', action: 'audit.read', details: { filters: { action: 'user.create' }, limit: 10, continued: false } }), undefined);
  });
});

describe('audit cursors', () => {
  it('round-trip a microsecond position', () => {
    const position = { occurredAt: '2026-11-22T12:00:00.123456Z', id: '00000000-0000-4000-8000-000000000001' };

    expect(decodeAuditCursor(encodeAuditCursor(position))).toEqual(position);
  });
});
