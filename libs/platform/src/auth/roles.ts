/**
 * Who may do what. Each service has three roles: `viewer` reads, the service's domain role works
 * (risk-api: `analyst`, defect-inspector: `engineer`), `admin` does everything, users included.
 */
export const ROLES = ['viewer', 'analyst', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The service schemas that hold users and the audit log; the migrations create one table set in each. */
export const AUTH_SCHEMAS = ['risk', 'defect'] as const;
export type AuthSchema = (typeof AUTH_SCHEMAS)[number];

/** The roles of each service, lowest first; `<schema>.app_user`'s CHECK constraint lists the same. */
export const SERVICE_ROLES = {
  risk: ['viewer', 'analyst', 'admin'],
  defect: ['viewer', 'engineer', 'admin'],
} as const satisfies Record<AuthSchema, readonly Role[]>;

/**
 * viewer < analyst | engineer < admin. The two domain roles share a rank but are not
 * interchangeable: each belongs to one service, and neither passes a check for the other.
 */
const RANK: Record<Role, number> = { viewer: 0, analyst: 1, engineer: 1, admin: 2 };

/**
 * Whether a user with `role` passes a check that asks for any of `required`: it names the role,
 * or a role it outranks. No requirement (an empty list) means any authenticated user.
 */
export function satisfiesRoles(role: Role, required: readonly Role[]): boolean {
  return required.length === 0 || required.some((needed) => needed === role || RANK[role] > RANK[needed]);
}

/** The roles of a service that do not pass a check for `required`: what a walker expects 403 from. */
export function rolesBelow(required: readonly Role[], serviceRoles: readonly Role[]): Role[] {
  return serviceRoles.filter((role) => !satisfiesRoles(role, required));
}

/** The lowest role of a service that passes a check for `required`. */
export function lowestSufficientRole(required: readonly Role[], serviceRoles: readonly Role[]): Role | undefined {
  return [...serviceRoles].sort((a, b) => RANK[a] - RANK[b]).find((role) => satisfiesRoles(role, required));
}

/** "requires role analyst (or higher)", for 403 messages. */
export function describeRequirement(required: readonly Role[]): string {
  const roles = [...new Set(required)];
  const orHigher = roles.every((role) => role === 'admin') ? '' : ' (or higher)';
  return `requires role ${roles.join(' or ')}${orHigher}`;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
