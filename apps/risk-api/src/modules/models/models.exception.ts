import { BadRequestException, ConflictException, HttpException, InternalServerErrorException, NotFoundException } from '@nestjs/common';
import { ModelRegistryError, ModelRegistryErrorCode } from '@vigil/core-ml';
import { assertUnreachable } from '@vigil/platform';

export enum ModelsErrorCode {
  /** The promotion gate found reasons (listed) and no admin overrode it. */
  PromotionRefused = 'MODEL_PROMOTION_REFUSED',
  /** A comparison needs a champion and a challenger (the shadow, or one named). */
  NothingToCompare = 'MODEL_NOTHING_TO_COMPARE',
}

/** risk-api's own model errors, beside the registry's. */
export class ModelsError extends Error {
  constructor(
    readonly code: ModelsErrorCode,
    message: string,
    readonly reasons: readonly string[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Registry and model failures as HTTP answers, in one place (STYLE R9); anything else is rethrown as it is. */
export function modelsError(error: unknown): unknown {
  if (error instanceof ModelsError) return ownError(error);
  if (!(error instanceof ModelRegistryError)) return error;
  const body = { code: error.code, message: error.message };
  const code: ModelRegistryErrorCode = error.code;
  switch (code) {
    case ModelRegistryErrorCode.NotFound:
      return new NotFoundException(body);
    case ModelRegistryErrorCode.InvalidPromotion:
    case ModelRegistryErrorCode.VersionConflict:
      return new ConflictException(body);
    case ModelRegistryErrorCode.ManifestInvalid:
    case ModelRegistryErrorCode.OutsideModelsRoot:
      return new BadRequestException(body);
    case ModelRegistryErrorCode.ArtifactTampered:
      // The registry's own files disagree with it: an operator must look, the caller can do nothing.
      return new InternalServerErrorException(body);
    default:
      return assertUnreachable(code);
  }
}

function ownError(error: ModelsError): HttpException {
  const code: ModelsErrorCode = error.code;
  switch (code) {
    case ModelsErrorCode.PromotionRefused:
      return new ConflictException({ code, message: error.message, reasons: error.reasons });
    case ModelsErrorCode.NothingToCompare:
      return new ConflictException({ code, message: error.message });
    default:
      return assertUnreachable(code);
  }
}
