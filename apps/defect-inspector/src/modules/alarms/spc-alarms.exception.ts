import { BadRequestException, ConflictException, HttpException, NotFoundException } from '@nestjs/common';
import { assertUnreachable } from '@vigil/platform';

export enum SpcAlarmErrorCode {
  AlarmNotFound = 'SPC_ALARM_NOT_FOUND',
  AlreadyAcknowledged = 'SPC_ALARM_ALREADY_ACKNOWLEDGED',
  BadCursor = 'BAD_CURSOR',
  BadRange = 'BAD_RANGE',
}

/** The SPC alarm API's errors, mapped to HTTP in one place (STYLE R9); `detail` says what was wrong. */
export function spcAlarmError(code: SpcAlarmErrorCode, detail: string): HttpException {
  switch (code) {
    case SpcAlarmErrorCode.AlarmNotFound:
      return new NotFoundException({ code, message: `SPC alarm ${detail} does not exist` });
    case SpcAlarmErrorCode.AlreadyAcknowledged:
      return new ConflictException({ code, message: detail });
    case SpcAlarmErrorCode.BadCursor:
      return new BadRequestException({ code, message: 'cursor is not one this API returned' });
    case SpcAlarmErrorCode.BadRange:
      return new BadRequestException({ code, message: detail });
    default:
      return assertUnreachable(code);
  }
}
