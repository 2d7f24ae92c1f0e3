import { DEFAULT_SCRYPT_COST, PasswordHasher } from './password-hasher';

/** Cheap parameters: the format and the comparison are under test, not scrypt's cost. */
const CHEAP = { ln: 10, r: 8, p: 1 };

describe(PasswordHasher.name, () => {
  const sut = new PasswordHasher(CHEAP);

  it('stores the algorithm, its parameters, a salt and the key', async () => {
    const hash = await sut.hash('correct horse battery staple');

    expect(hash).toMatch(/^scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  });

  it('salts every hash, so equal passwords hash differently', async () => {
    const [a, b] = await Promise.all([sut.hash('same password!'), sut.hash('same password!')]);

    expect(a).not.toBe(b);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await sut.hash('correct horse battery staple');

    await expect(sut.verify('correct horse battery staple', hash)).resolves.toBe(true);
    await expect(sut.verify('correct horse battery stapl', hash)).resolves.toBe(false);
    await expect(sut.verify('', hash)).resolves.toBe(false);
  });

  it('verifies with the parameters stored in the hash, so raising the cost keeps old hashes valid', async () => {
    const old = await new PasswordHasher({ ln: 11, r: 4, p: 2 }).hash('an older password');

    await expect(sut.verify('an older password', old)).resolves.toBe(true);
  });

  it('treats equivalent Unicode spellings as the same password', async () => {
    const hash = await sut.hash('caf\u00e9 au lait!');

    await expect(sut.verify('cafe\u0301 au lait!', hash)).resolves.toBe(true);
  });

  it.each([
    ['not a hash'],
    ['bcrypt$2b$10$abcdefghijklmnopqrstuv'],
    ['scrypt$ln=30,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5'],
    ['scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$c2hvcnQ'],
  ])('refuses, without throwing, a hash it cannot or must not compute: %s', async (stored) => {
    await expect(sut.verify('whatever password', stored)).resolves.toBe(false);
  });

  it('spends a verification on a missing user too, and always refuses', async () => {
    await expect(sut.verifyNothing('any password at all')).resolves.toBe(false);
  });

  it('defaults to OWASP-equivalent scrypt cost with 16 MiB of memory', () => {
    const { ln, r, p } = DEFAULT_SCRYPT_COST;

    expect(128 * 2 ** ln * r).toBe(16 * 1024 * 1024);
    expect(2 ** ln * p).toBeGreaterThanOrEqual(2 ** 16); // OWASP: N=2^14,r=8,p=5 ~ N=2^17,r=8,p=1
  });
});
