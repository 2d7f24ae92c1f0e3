import { BadRequestException, ConflictException, HttpException, NotFoundException } from '@nestjs/common';

import { RuleSetProblem } from '../rules';
import { assertUnreachable } from '@vigil/platform';

export enum RuleSetsErrorCode {
  Invalid = 'RULE_SET_INVALID',
  NotFound = 'RULE_SET_NOT_FOUND',
  NotADraft = 'RULE_SET_NOT_A_DRAFT',
}

/** Rule-set API errors, mapped to HTTP in one place (STYLE R9). */
export function ruleSetsError(code: RuleSetsErrorCode, version?: number, problems: RuleSetProblem[] = []): HttpException {
  switch (code) {
    case RuleSetsErrorCode.Invalid:
      return new BadRequestException({ code, message: `the rule set has ${problems.length} problem(s)`, problems });
    case RuleSetsErrorCode.NotFound:
      return new NotFoundException({ code, message: `rule set version ${version} does not exist` });
    case RuleSetsErrorCode.NotADraft:
      return new ConflictException({ code, message: `rule set version ${version} is not a draft (only drafts can be activated, shadowed or deleted)` });
    default:
      return assertUnreachable(code);
  }
}
