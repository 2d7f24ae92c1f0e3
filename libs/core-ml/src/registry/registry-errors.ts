/**
 * Typed failures of the model registry (STYLE R9): services map `code` to HTTP or CLI exit status
 * without parsing messages.
 */
export enum ModelRegistryErrorCode {
  /** manifest.json is missing, not JSON, or lacks a required field. */
  ManifestInvalid = 'MODEL_MANIFEST_INVALID',
  /** A file is missing or its sha256 differs from the manifest's (or the manifest from the registry's). */
  ArtifactTampered = 'MODEL_ARTIFACT_TAMPERED',
  /** The artifact directory is not inside the models root the services read. */
  OutsideModelsRoot = 'MODEL_OUTSIDE_MODELS_ROOT',
  /** The same name and version is registered with a different manifest. */
  VersionConflict = 'MODEL_VERSION_CONFLICT',
  NotFound = 'MODEL_NOT_FOUND',
  /** A promotion that would leave the model without a champion (its champion as shadow). */
  InvalidPromotion = 'MODEL_INVALID_PROMOTION',
}

export class ModelRegistryError extends Error {
  constructor(
    readonly code: ModelRegistryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
