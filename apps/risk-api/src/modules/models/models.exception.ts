import { BadRequestException, ConflictException, InternalServerErrorException, NotFoundException } from '@nestjs/common';
import { ModelRegistryError, ModelRegistryErrorCode } from '@vigil/core-ml';
import { assertUnreachable } from '@vigil/platform';

/** Registry failures as HTTP answers, in one place (STYLE R9); anything else is rethrown as it is. */
export function modelsError(error: unknown): unknown {
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
