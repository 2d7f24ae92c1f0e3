import { compile } from './expression';
import { ruleValues, TRANSACTION_FIELDS } from './transaction-values';

const tx = {
  amountMinor: 123_456,
  currency: 'EUR',
  type: 'TRANSFER',
  channel: 'ONLINE',
  originator: { account: 'A-1', customer: 'C-1', country: 'DE', bank: 'DEUTDEFF' },
  beneficiary: { account: 'A-9', country: 'NL', bank: 'INGBNL2A' },
};

describe(ruleValues.name, () => {
  it('gives every transaction field a value of its declared type', () => {
    // Act
    const values = ruleValues(tx);

    // Assert
    for (const [name, type] of Object.entries(TRANSACTION_FIELDS)) expect(typeof values[name]).toBe(type);
    expect(values['tx.amount']).toBe(1_234.56);
    expect(values['tx.merchant.mcc']).toBe('');
    expect(values['tx.has_device']).toBe(false);
  });

  it('fills merchant and device when present', () => {
    // Prepare: a whole contract Transaction, with fields the rules do not read.
    const full = { ...tx, merchant: { id: 'M-7', mcc: '5411' }, device: { id: 'D-3', ip: '203.0.113.7' } };

    // Act
    const values = ruleValues(full);

    // Assert
    expect(values['tx.merchant.mcc']).toBe('5411');
    expect(values['tx.has_device']).toBe(true);
  });

  it('merges the features into a record without a prototype, keeping a feature named __proto__ as data', () => {
    // Prepare
    const features = JSON.parse('{"orig_count_1h": 3, "__proto__": 1}') as Record<string, number>;

    // Act
    const values = ruleValues(tx, features);

    // Assert
    expect(Object.getPrototypeOf(values)).toBeNull();
    expect(values.orig_count_1h).toBe(3);
    expect(Object.prototype.hasOwnProperty.call(values, '__proto__')).toBe(true);
    expect(compile("tx.amount > 1000 and tx.beneficiary.country == 'NL'", TRANSACTION_FIELDS).evaluate(values)).toBe(true);
  });
});
