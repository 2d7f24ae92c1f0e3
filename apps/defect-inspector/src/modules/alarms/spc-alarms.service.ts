import { Injectable } from '@nestjs/common';
import { AuditLog, AuthenticatedUser, Page } from '@vigil/platform';

import { AcknowledgeAlarmDto, SpcAlarmQueryDto } from './dto/spc-alarm.dto';
import { SpcAlarm, SpcAlarmRepository } from './spc-alarm.repository';
import { spcAlarmError, SpcAlarmErrorCode } from './spc-alarms.exception';

/** What quality engineers do with raised SPC alarms: list them, read one, acknowledge it with a note (audited). */
@Injectable()
export class SpcAlarmsService {
  constructor(
    private readonly alarms: SpcAlarmRepository,
    private readonly audit: AuditLog,
  ) {}

  async list(query: SpcAlarmQueryDto): Promise<Page<SpcAlarm>> {
    if (query.from !== undefined && query.to !== undefined && !(Date.parse(query.from) < Date.parse(query.to))) {
      this.fail(SpcAlarmErrorCode.BadRange, `from (${query.from}) must be before to (${query.to})`);
    }
    return (await this.alarms.list(query)) ?? this.fail(SpcAlarmErrorCode.BadCursor, '');
  }

  async detail(id: string): Promise<SpcAlarm> {
    return (await this.alarms.find(id)) ?? this.fail(SpcAlarmErrorCode.AlarmNotFound, id);
  }

  /** Stores who acknowledged it, when and why, audited in the same transaction; an alarm is acknowledged once. */
  async acknowledge(id: string, change: AcknowledgeAlarmDto, user: AuthenticatedUser): Promise<SpcAlarm> {
    const result = await this.alarms.acknowledge(id, change.note, user.username, (manager) =>
      this.audit.record(user, { action: 'spc_alarm.acknowledge', subjectType: 'spc_alarm', subjectId: id, details: { note: change.note } }, manager),
    );
    if (result === undefined) return this.fail(SpcAlarmErrorCode.AlarmNotFound, id);
    if (!result.acknowledged) {
      const { acknowledgement } = result.alarm;
      this.fail(SpcAlarmErrorCode.AlreadyAcknowledged, `SPC alarm ${id} was acknowledged by ${acknowledgement?.by} at ${acknowledgement?.at}`);
    }
    return result.alarm;
  }

  private fail(code: SpcAlarmErrorCode, detail: string): never {
    throw spcAlarmError(code, detail);
  }
}
