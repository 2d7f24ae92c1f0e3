import { compile } from './compile';
import { explainInputs, formatInputs, formatValue } from './explain';
import { ExpressionSchema } from './value-types';

const schema: ExpressionSchema = { orig_count_1h: 'number', orig_sum_24h: 'number', 'tx.channel': 'string', score: 'number', flag: 'boolean' };

describe(explainInputs.name, () => {
  it('names each identifier read, its value and the constant tests on it that held', () => {
    // Prepare
    const sut = compile("orig_count_1h > 10 and 5_000 <= orig_sum_24h and tx.channel in ['ONLINE', 'MOBILE']", schema);
    const values = { orig_count_1h: 12, orig_sum_24h: 7_500.5, 'tx.channel': 'ONLINE' };

    // Act
    const inputs = explainInputs(sut, values);

    // Assert
    expect(inputs).toEqual([
      { name: 'orig_count_1h', value: 12, matched: ['> 10'] },
      { name: 'orig_sum_24h', value: 7_500.5, matched: ['>= 5000'] },
      { name: 'tx.channel', value: 'ONLINE', matched: ["in ['ONLINE', 'MOBILE']"] },
    ]);
    expect(formatInputs(inputs)).toBe("orig_count_1h = 12 (> 10); orig_sum_24h = 7500.5 (>= 5000); tx.channel = 'ONLINE' (in ['ONLINE', 'MOBILE'])");
  });

  it('shows only the tests that held, so an `or` explains the branch that fired', () => {
    // Prepare
    const sut = compile('orig_count_1h > 10 or orig_count_1h < -5 or between(score, 0.5, 1) or flag != true', schema);

    // Act
    const inputs = explainInputs(sut, { orig_count_1h: -7, score: 0.75, flag: true });

    // Assert
    expect(formatInputs(inputs)).toBe('orig_count_1h = -7 (< -5); score = 0.75 (between 0.5 and 1); flag = true');
  });

  it('lists a name without tests when it is only computed with', () => {
    // Prepare
    const sut = compile('orig_sum_24h / orig_count_1h > 1000', schema);

    // Act
    const text = formatInputs(explainInputs(sut, { orig_sum_24h: 9_000, orig_count_1h: 3 }));

    // Assert
    expect(text).toBe('orig_sum_24h = 9000; orig_count_1h = 3');
  });
});

describe(formatValue.name, () => {
  it.each([
    [12, '12'],
    [0.1 + 0.2, '0.3'],
    [-1 / 3, '-0.333333'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    ["it's", "'it\\'s'"],
    [false, 'false'],
  ])('formats %p as %s', (value, expected) => {
    // Act
    const text = formatValue(value);

    // Assert
    expect(text).toBe(expected);
  });
});
