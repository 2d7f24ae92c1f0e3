import { JwtService } from '@nestjs/jwt';

import { AuthErrorCode, AuthException } from './auth.exception';
import { TokenService } from './token.service';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const user = { id: '6f1c2a6e-6b2b-4d5e-9a43-0f1b8a9c1d11', username: 'ana', role: 'analyst' as const };

describe(TokenService.name, () => {
  const jwt = new JwtService({ secret: SECRET });
  const sut = new TokenService(jwt, { service: 'risk-api', ttlSeconds: 3600 });

  afterEach(() => jest.useRealTimers());

  it('issues an HS256 token naming the user, their role and this service', async () => {
    const issued = await sut.issue(user);

    expect(issued).toEqual({ accessToken: expect.any(String), expiresIn: 3600, role: 'analyst' });
    const [header] = issued.accessToken.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    expect(jwt.decode(issued.accessToken)).toMatchObject({ sub: user.id, name: 'ana', role: 'analyst', iss: 'risk-api', aud: 'risk-api' });
  });

  it('verifies its own tokens', async () => {
    const { accessToken } = await sut.issue(user);

    await expect(sut.verify(accessToken)).resolves.toEqual({ sub: user.id, name: 'ana', role: 'analyst' });
  });

  it('refuses an expired token, saying so', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-22T12:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    const { accessToken } = await sut.issue(user);

    jest.setSystemTime(new Date('2026-11-22T13:00:01Z'));

    await expect(sut.verify(accessToken)).rejects.toMatchObject({ code: AuthErrorCode.TokenExpired, message: expect.stringMatching(/expired/) });
  });

  it('refuses a token of the other service, even with the same secret', async () => {
    const other = new TokenService(jwt, { service: 'defect-inspector', ttlSeconds: 3600 });
    const { accessToken } = await other.issue({ ...user, role: 'admin' });

    await expect(sut.verify(accessToken)).rejects.toMatchObject({ code: AuthErrorCode.InvalidToken });
  });

  it.each([
    ['signed with another secret', () => new JwtService({ secret: 'x'.repeat(40) }).signAsync({ sub: user.id, name: 'ana', role: 'admin' }, { issuer: 'risk-api', audience: 'risk-api' })],
    ['unsigned (alg none)', async () => `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: user.id, name: 'ana', role: 'admin', iss: 'risk-api', aud: 'risk-api' })).toString('base64url')}.`],
    ['with an unknown role', () => jwt.signAsync({ sub: user.id, name: 'ana', role: 'root' }, { issuer: 'risk-api', audience: 'risk-api' })],
    ['not a JWT', async () => 'not-a-jwt'],
  ])('refuses a token %s', async (_case, forge) => {
    const token = await forge();

    const act = sut.verify(token);

    await expect(act).rejects.toBeInstanceOf(AuthException);
    await expect(act).rejects.toMatchObject({ code: AuthErrorCode.InvalidToken });
  });
});
