import { describeRequirement, lowestSufficientRole, rolesBelow, satisfiesRoles, SERVICE_ROLES } from './roles';

describe(satisfiesRoles.name, () => {
  it.each([
    ['viewer', [], true],
    ['viewer', ['viewer'], true],
    ['viewer', ['analyst'], false],
    ['viewer', ['admin'], false],
    ['analyst', ['viewer'], true],
    ['analyst', ['analyst'], true],
    ['analyst', ['admin'], false],
    ['engineer', ['viewer'], true],
    ['engineer', ['engineer'], true],
    ['admin', ['viewer'], true],
    ['admin', ['analyst'], true],
    ['admin', ['engineer'], true],
    ['admin', ['admin'], true],
  ] as const)('%s against [%s]: %s', (role, required, expected) => {
    expect(satisfiesRoles(role, required)).toBe(expected);
  });

  it('keeps the two domain roles apart: same rank, different services', () => {
    expect(satisfiesRoles('engineer', ['analyst'])).toBe(false);
    expect(satisfiesRoles('analyst', ['engineer'])).toBe(false);
  });

  it('passes when any of several required roles is met', () => {
    expect(satisfiesRoles('viewer', ['admin', 'viewer'])).toBe(true);
    expect(satisfiesRoles('analyst', ['engineer', 'viewer'])).toBe(true);
  });
});

describe(rolesBelow.name, () => {
  it('names every role of the service that must get 403', () => {
    expect(rolesBelow(['admin'], SERVICE_ROLES.risk)).toEqual(['viewer', 'analyst']);
    expect(rolesBelow(['engineer'], SERVICE_ROLES.defect)).toEqual(['viewer']);
    expect(rolesBelow(['viewer'], SERVICE_ROLES.defect)).toEqual([]);
    expect(rolesBelow([], SERVICE_ROLES.risk)).toEqual([]);
  });
});

describe(lowestSufficientRole.name, () => {
  it('finds the least privileged role that passes', () => {
    expect(lowestSufficientRole([], SERVICE_ROLES.risk)).toBe('viewer');
    expect(lowestSufficientRole(['analyst'], SERVICE_ROLES.risk)).toBe('analyst');
    expect(lowestSufficientRole(['engineer'], SERVICE_ROLES.risk)).toBe('admin');
  });
});

describe(describeRequirement.name, () => {
  it('says which role is needed', () => {
    expect(describeRequirement(['analyst'])).toBe('requires role analyst (or higher)');
    expect(describeRequirement(['admin'])).toBe('requires role admin');
    expect(describeRequirement(['viewer', 'engineer'])).toBe('requires role viewer or engineer (or higher)');
  });
});
