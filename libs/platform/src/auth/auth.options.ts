import { AuthSchema, Role } from './roles';

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthOptions {
  /** Issuer and audience of the service's tokens. */
  service: string;
  schema: AuthSchema;
  /** The service's roles, lowest first (SERVICE_ROLES[schema]). */
  roles: readonly Role[];
}
