import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  /** log2 of scrypt's N (CPU/memory cost). */
  ln: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
}

/**
 * OWASP's scrypt equivalent of N=2^17,r=8,p=1 with an eighth of the memory (16 MiB per hash, about
 * 0.2 s of CPU here): the token endpoint is unauthenticated, so memory per attempt is what bounds
 * the damage a flood of logins can do.
 */
export const DEFAULT_SCRYPT_COST: ScryptCost = { ln: 14, r: 8, p: 5 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** What a stored hash may ask for: enough headroom to raise the cost later, none to exhaust memory. */
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16], keyBytes: [16, 128] } as const;
const FORMAT = /^scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

const within = (value: number, [min, max]: readonly [number, number]) => Number.isInteger(value) && value >= min && value <= max;

function derive(password: string, salt: Buffer, keyBytes: number, { ln, r, p }: ScryptCost): Promise<Buffer> {
  const N = 2 ** ln;
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/**
 * scrypt password hashes, `scrypt$ln=14,r=8,p=5$<salt>$<key>` (base64url): a salt per hash and the
 * cost stored beside it, so raising the cost later leaves existing hashes verifiable. Provided by
 * value (`new PasswordHasher(cost)`): tests pass a cheap cost.
 */
export class PasswordHasher {
  private dummy?: Promise<string>;

  constructor(private readonly cost: ScryptCost = DEFAULT_SCRYPT_COST) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, KEY_BYTES, this.cost);
    const { ln, r, p } = this.cost;
    return `scrypt$ln=${ln},r=${r},p=${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  /** Constant-time comparison; false (never a throw) for a hash it cannot read. */
  async verify(password: string, stored: string): Promise<boolean> {
    const match = FORMAT.exec(stored);
    if (match === null) return false;
    const [ln, r, p] = match.slice(1, 4).map(Number);
    const salt = Buffer.from(match[4], 'base64url');
    const expected = Buffer.from(match[5], 'base64url');
    if (!within(ln, LIMITS.ln) || !within(r, LIMITS.r) || !within(p, LIMITS.p) || !within(expected.length, LIMITS.keyBytes) || salt.length === 0) {
      return false;
    }
    const actual = await derive(password, salt, expected.length, { ln, r, p });
    return timingSafeEqual(actual, expected);
  }

  /**
   * Spends what a real verification would, for a username that does not exist, so the answer
   * time does not tell an attacker which usernames do.
   */
  async verifyNothing(password: string): Promise<false> {
    this.dummy ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(password, await this.dummy);
    return false;
  }
}
