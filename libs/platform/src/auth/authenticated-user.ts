import { Role } from './roles';

/** The user a request acts for: who the token names, with their role as stored now. */
export interface AuthenticatedUser {
  id: string;
  username: string;
  role: Role;
}

/** Claims of the access tokens this platform issues (besides iss, aud, iat, exp). */
export interface AccessTokenClaims {
  sub: string;
  name: string;
  role: Role;
}
