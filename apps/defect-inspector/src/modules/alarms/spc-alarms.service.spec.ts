import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import { AuditLog, AuthenticatedUser } from '@vigil/platform';

import { SpcAlarm, SpcAlarmRepository } from './spc-alarm.repository';
import { SpcAlarmsService } from './spc-alarms.service';

describe(SpcAlarmsService.name, () => {
  let sut: SpcAlarmsService;
  let alarms: jest.Mocked<Pick<SpcAlarmRepository, 'list' | 'find' | 'acknowledge'>>;
  let audit: jest.Mocked<Pick<AuditLog, 'record'>>;
  const user = { username: 'eng', role: 'engineer' } as AuthenticatedUser;

  beforeEach(() => {
    alarms = { list: jest.fn(), find: jest.fn(), acknowledge: jest.fn() };
    audit = { record: jest.fn() };
    sut = new SpcAlarmsService(alarms as unknown as SpcAlarmRepository, audit as unknown as AuditLog);
  });

  it('acknowledges an open alarm and audits it inside the same transaction', async () => {
    alarms.acknowledge.mockImplementation(async (_id, _note, _by, run) => {
      await run('manager' as never);
      return { acknowledged: true, alarm: { id: '3' } as SpcAlarm };
    });

    await expect(sut.acknowledge('3', { note: 'die worn, replaced' }, user)).resolves.toEqual({ id: '3' });
    expect(alarms.acknowledge).toHaveBeenCalledWith('3', 'die worn, replaced', 'eng', expect.any(Function));
    expect(audit.record).toHaveBeenCalledWith(user, { action: 'spc_alarm.acknowledge', subjectType: 'spc_alarm', subjectId: '3', details: { note: 'die worn, replaced' } }, 'manager');
  });

  it('refuses a second acknowledgement with 409, naming who acknowledged it first', async () => {
    alarms.acknowledge.mockResolvedValue({ acknowledged: false, alarm: { id: '3', acknowledgement: { by: 'ana', at: '2026-11-22T11:00:00.000Z', note: 'x' } } as SpcAlarm });

    await expect(sut.acknowledge('3', { note: 'again' }, user)).rejects.toBeInstanceOf(ConflictException);
    await expect(sut.acknowledge('3', { note: 'again' }, user)).rejects.toMatchObject({ response: { message: 'SPC alarm 3 was acknowledged by ana at 2026-11-22T11:00:00.000Z' } });
  });

  it('answers 404 for an alarm that does not exist', async () => {
    alarms.acknowledge.mockResolvedValue(undefined);
    alarms.find.mockResolvedValue(undefined);

    await expect(sut.acknowledge('9', { note: 'x' }, user)).rejects.toBeInstanceOf(NotFoundException);
    await expect(sut.detail('9')).rejects.toBeInstanceOf(NotFoundException);
  });

  it('refuses a range that ends before it starts, and a cursor it did not make, before listing', async () => {
    alarms.list.mockResolvedValue(undefined);

    await expect(sut.list({ limit: 10, from: '2026-11-22T10:00:00Z', to: '2026-11-22T09:00:00Z' })).rejects.toBeInstanceOf(BadRequestException);
    expect(alarms.list).not.toHaveBeenCalled();
    await expect(sut.list({ limit: 10, cursor: 'x' })).rejects.toMatchObject({ response: { code: 'BAD_CURSOR' } });
  });
});
