import { BadRequestException, ConflictException, HttpException, NotFoundException } from '@nestjs/common';
import { assertUnreachable } from '@vigil/platform';

export enum QualityErrorCode {
  InspectionNotFound = 'INSPECTION_NOT_FOUND',
  ImagesNotFound = 'INSPECTION_IMAGES_NOT_FOUND',
  BadCursor = 'BAD_CURSOR',
  BadRange = 'BAD_RANGE',
  BadSubgroup = 'BAD_SUBGROUP',
  LabelDoesNotApply = 'LABEL_DOES_NOT_APPLY',
}

/** The quality engineers' API errors, mapped to HTTP in one place (STYLE R9); `detail` says what was wrong. */
export function qualityError(code: QualityErrorCode, detail: string): HttpException {
  switch (code) {
    case QualityErrorCode.InspectionNotFound:
      return new NotFoundException({ code, message: `inspection ${detail} does not exist` });
    case QualityErrorCode.ImagesNotFound:
      return new NotFoundException({ code, message: `inspection ${detail} has no stored images (only DEFECT verdicts keep them)` });
    case QualityErrorCode.BadCursor:
      return new BadRequestException({ code, message: 'cursor is not one this API returned' });
    case QualityErrorCode.BadRange:
    case QualityErrorCode.BadSubgroup:
      return new BadRequestException({ code, message: detail });
    case QualityErrorCode.LabelDoesNotApply:
      return new ConflictException({ code, message: detail });
    default:
      return assertUnreachable(code);
  }
}
