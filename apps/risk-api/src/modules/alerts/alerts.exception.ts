import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { assertUnreachable } from '@vigil/platform';

export enum AlertsErrorCode {
  AlertNotFound = 'ALERT_NOT_FOUND',
  CaseNotFound = 'CASE_NOT_FOUND',
  BadCursor = 'BAD_CURSOR',
}

/** The analysts' API errors, mapped to HTTP in one place (STYLE R9). */
export function alertsError(code: AlertsErrorCode, subject = ''): HttpException {
  switch (code) {
    case AlertsErrorCode.AlertNotFound:
      return new NotFoundException({ code, message: `alert ${subject} does not exist` });
    case AlertsErrorCode.CaseNotFound:
      return new NotFoundException({ code, message: `case ${subject} does not exist` });
    case AlertsErrorCode.BadCursor:
      return new BadRequestException({ code, message: 'cursor is not one this API returned (or belongs to another sort order)' });
    default:
      return assertUnreachable(code);
  }
}
