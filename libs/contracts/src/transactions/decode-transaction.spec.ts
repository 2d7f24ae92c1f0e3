import { decodeTransaction, MAX_TRANSACTION_BYTES, TransactionRejection } from './decode-transaction';

const valid = {
  txId: 'T-000001',
  ts: '2026-11-22T12:00:00.123Z',
  amount: '1234.56',
  currency: 'EUR',
  type: 'TRANSFER',
  channel: 'ONLINE',
  originator: { account: 'A-1', customer: 'C-1', country: 'DE', bank: 'DEUTDEFF' },
  beneficiary: { account: 'A-9', customer: 'C-9', country: 'NL', bank: 'INGBNL2A' },
  merchant: { id: 'M-7', mcc: '5411' },
  device: { id: 'D-3', ip: '203.0.113.7' },
};

const encode = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const decode = (value: unknown, key: string | null = 'A-1') => decodeTransaction(key === null ? null : Buffer.from(key), encode(value));

describe(decodeTransaction.name, () => {
  it('turns a contract message into a transaction with the amount in minor units', () => {
    const result = decode(valid);

    expect(result).toEqual({
      ok: true,
      transaction: {
        ...valid,
        ts: Date.UTC(2026, 10, 22, 12, 0, 0, 123),
        amountMinor: 123456,
        amount: undefined,
      },
    });
  });

  it.each([
    ['1234.5', 123450],
    ['0.01', 1],
    [1234.56, 123456],
    [7, 700],
    ['1000000000', 100000000000],
  ])('accepts amount %p as %p minor units', (amount, minor) => {
    const result = decode({ ...valid, amount });

    expect(result.ok && result.transaction.amountMinor).toBe(minor);
  });

  it('ignores unknown extra fields and accepts a beneficiary without a customer and no merchant/device', () => {
    const { merchant: _m, device: _d, ...rest } = valid;
    const result = decode({ ...rest, beneficiary: { account: 'A-9', country: 'NL', bank: 'X' }, extra: { nested: true } });

    expect(result.ok).toBe(true);
    expect(result.ok && result.transaction).not.toHaveProperty('extra');
    expect(result.ok && result.transaction.merchant).toBeUndefined();
  });

  it('accepts a timestamp with an offset zone', () => {
    const result = decode({ ...valid, ts: '2026-11-22T13:00:00+01:00' });

    expect(result.ok && result.transaction.ts).toBe(Date.UTC(2026, 10, 22, 12));
  });

  it.each<[string, unknown, TransactionRejection, RegExp]>([
    ['not JSON', '{"txId": ', TransactionRejection.NotJson, /not JSON/],
    ['an array', [valid], TransactionRejection.NotAnObject, /object/],
    ['a string', '"T-1"', TransactionRejection.NotAnObject, /object/],
    ['a negative amount', { ...valid, amount: '-5.00' }, TransactionRejection.InvalidFields, /^amount: /],
    ['a zero amount', { ...valid, amount: 0 }, TransactionRejection.InvalidFields, /^amount: /],
    ['three decimals', { ...valid, amount: '1.005' }, TransactionRejection.InvalidFields, /^amount: /],
    ['a huge amount', { ...valid, amount: '1000000000.01' }, TransactionRejection.InvalidFields, /^amount: /],
    ['an exponent', { ...valid, amount: '1e3' }, TransactionRejection.InvalidFields, /^amount: /],
    ['a missing txId', { ...valid, txId: undefined }, TransactionRejection.InvalidFields, /^txId: /],
    ['a too-long txId', { ...valid, txId: 'T'.repeat(65) }, TransactionRejection.InvalidFields, /^txId: /],
    ['a timestamp without zone', { ...valid, ts: '2026-11-22T12:00:00' }, TransactionRejection.InvalidFields, /^ts: /],
    ['an impossible date', { ...valid, ts: '2026-13-45T12:00:00Z' }, TransactionRejection.BadTimestamp, /not a real instant/],
    ['an unknown currency', { ...valid, currency: 'XXY' }, TransactionRejection.InvalidFields, /^currency: /],
    ['an unknown type', { ...valid, type: 'GIFT' }, TransactionRejection.InvalidFields, /^type: /],
    ['an unknown channel', { ...valid, channel: 'FAX' }, TransactionRejection.InvalidFields, /^channel: /],
    ['a bad country', { ...valid, originator: { ...valid.originator, country: 'Germany' } }, TransactionRejection.InvalidFields, /^originator\.country: /],
    ['an originator without customer', { ...valid, originator: { ...valid.originator, customer: undefined } }, TransactionRejection.InvalidFields, /^originator\.customer: /],
    ['a beneficiary that is a string', { ...valid, beneficiary: 'A-9' }, TransactionRejection.InvalidFields, /^beneficiary: /],
    ['a bad IP', { ...valid, device: { id: 'D', ip: '999.1.1.1' } }, TransactionRejection.InvalidFields, /^device\.ip: /],
    ['a bad MCC', { ...valid, merchant: { id: 'M', mcc: '54' } }, TransactionRejection.InvalidFields, /^merchant\.mcc: /],
    ['a number as account', { ...valid, originator: { ...valid.originator, account: 1 } }, TransactionRejection.InvalidFields, /^originator\.account: /],
  ])('refuses %s', (_, value, code, reason) => {
    const result = decode(value);

    expect(result).toEqual({ ok: false, code, message: expect.stringMatching(reason) });
  });

  it('refuses a key that is not the originator account', () => {
    expect(decode(valid, 'A-2')).toMatchObject({ ok: false, code: TransactionRejection.KeyMismatch });
    expect(decode(valid, null)).toMatchObject({ ok: false, code: TransactionRejection.KeyMismatch });
  });

  it('refuses an empty or oversized value before parsing it', () => {
    expect(decodeTransaction(Buffer.from('A-1'), null)).toMatchObject({ ok: false, code: TransactionRejection.NotJson });
    const huge = Buffer.from(JSON.stringify({ ...valid, note: 'x'.repeat(1024 * 1024) }));

    expect(decodeTransaction(Buffer.from('A-1'), huge)).toEqual({ ok: false, code: TransactionRejection.TooLarge, message: expect.stringContaining(`${MAX_TRANSACTION_BYTES}`) });
  });

  it('lists every broken field in one reason, without echoing the values', () => {
    const result = decode({ ...valid, currency: 'secret-value', channel: 'FAX', amount: -1 });

    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.message;
    expect(message).toMatch(/amount: .*; currency: .*; channel: /);
    expect(message).not.toContain('secret-value');
  });
});
