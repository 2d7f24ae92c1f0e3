import { RouteInfo } from '../route-table';
import { describeRequirement, lowestSufficientRole, Role, rolesBelow } from '../roles';

export interface RouteWalkOptions {
  /** Where the app listens: http://127.0.0.1:3000 */
  baseUrl: string;
  /** The app's routes: `listAppRoutes(app)`. */
  routes: readonly RouteInfo[];
  /** The service's roles, lowest first. */
  serviceRoles: readonly Role[];
  /** A valid token for each role of the service. */
  tokens: Partial<Record<Role, string>>;
  /** Tokens the service must refuse with 401 besides none at all: expired, signed with another secret, another service's. */
  invalidTokens?: readonly string[];
  /** `METHOD /path` of every route that may answer without a token; any other public route is reported. */
  expectedPublic: readonly string[];
  /** What replaces each path parameter. */
  sampleParameter?: (name: string) => string;
}

export interface RouteProbe {
  route: string;
  as: string;
  expected: string;
  status: number;
}

export interface RouteWalk {
  probes: RouteProbe[];
  /** Empty when every route answered as its metadata says it must. */
  violations: string[];
}

const SAMPLE_UUID = '00000000-0000-4000-8000-000000000000';
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** /users/:id -> /users/<sample>; {/:optional} groups are filled in; *splat -> x. */
function concretePath(path: string, sample: (name: string) => string): string {
  return path
    .replace(/\{([^{}]*)\}/g, '$1')
    .replace(/:(\w+)\??/g, (_match, name: string) => encodeURIComponent(sample(name)))
    .replace(/\*(\w*)/g, 'x');
}

/**
 * Calls every route of an app the way an attacker and a least-privileged user would, and lists
 * where the answer is not what the route's auth metadata promises:
 * - a non-public route answers 401 without a token and with each invalid token;
 * - it answers 403, naming the role it needs, for each service role below its requirement;
 * - a safe (GET) route lets the lowest sufficient role past the guard (neither 401 nor 403);
 * - public routes are exactly `expectedPublic`, and answer without a token (neither 401 nor 403).
 * Refused requests never reach a handler (the guard runs first), so walking changes nothing.
 */
export async function walkRoutes(options: RouteWalkOptions): Promise<RouteWalk> {
  const sample = options.sampleParameter ?? (() => SAMPLE_UUID);
  const probes: RouteProbe[] = [];
  const violations: string[] = [];
  const invalidTokens = options.invalidTokens ?? ['not-a-jwt'];

  const call = async (route: RouteInfo, token: string | undefined) => {
    const method = route.method === 'ALL' ? 'GET' : route.method;
    const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
    const hasBody = !SAFE_METHODS.has(method) && method !== 'DELETE';
    if (hasBody) headers['content-type'] = 'application/json';
    const res = await fetch(`${options.baseUrl}${concretePath(route.path, sample)}`, { method, headers, body: hasBody ? '{}' : undefined });
    const text = await res.text();
    return { status: res.status, text };
  };
  const expect = (route: string, as: string, expected: string, status: number, ok: boolean, detail = '') => {
    probes.push({ route, as, expected, status });
    if (!ok) violations.push(`${route} as ${as}: expected ${expected}, got ${status}${detail}`);
  };

  const publicRoutes = new Set<string>();
  for (const route of options.routes) {
    const name = `${route.method} ${route.path}`;
    if (route.public) {
      publicRoutes.add(name);
      if (!options.expectedPublic.includes(name)) violations.push(`${name} is @Public() but not expected to be`);
      const { status } = await call(route, undefined);
      expect(name, 'anonymous', 'neither 401 nor 403', status, status !== 401 && status !== 403);
      continue;
    }

    const anonymous = await call(route, undefined);
    expect(name, 'anonymous', '401', anonymous.status, anonymous.status === 401);
    for (const [index, token] of invalidTokens.entries()) {
      const { status } = await call(route, token);
      expect(name, `invalid token #${index + 1}`, '401', status, status === 401);
    }
    for (const role of rolesBelow(route.roles, options.serviceRoles)) {
      const token = options.tokens[role];
      if (token === undefined) {
        violations.push(`${name}: no token for role ${role} to check the 403 with`);
        continue;
      }
      const { status, text } = await call(route, token);
      const named = text.includes(describeRequirement(route.roles));
      expect(name, role, `403 saying "${describeRequirement(route.roles)}"`, status, status === 403 && named, named ? '' : `: ${text.slice(0, 200)}`);
    }
    const lowest = lowestSufficientRole(route.roles, options.serviceRoles);
    if (SAFE_METHODS.has(route.method) && lowest !== undefined && options.tokens[lowest] !== undefined) {
      const { status } = await call(route, options.tokens[lowest]);
      expect(name, lowest, 'neither 401 nor 403', status, status !== 401 && status !== 403);
    }
  }
  for (const name of options.expectedPublic) {
    if (!publicRoutes.has(name)) violations.push(`${name} is expected to be public but is not (or does not exist)`);
  }
  return { probes, violations };
}
