import { ExpressionErrorCode } from './expression.exception';
import { tokenize } from './tokenizer';
import { errorOf } from './testing/error-of';

describe(tokenize.name, () => {
  it('splits operators, names, literals and punctuation, ending with an end token', () => {
    // Prepare
    const source = "tx.amount >= 1_000.50 and tx.currency in ['EUR', \"USD\"] or not (a != -2)";

    // Act
    const tokens = tokenize(source);

    // Assert
    expect(tokens.map((token) => token.kind)).toEqual([
      'identifier', '>=', 'number', 'and', 'identifier', 'in', '[', 'string', ',', 'string', ']', 'or', 'not', '(', 'identifier', '!=', '-', 'number', ')', 'end',
    ]);
    expect(tokens[2].value).toBe(1000.5);
    expect(tokens[7].value).toBe('EUR');
    expect(tokens[9].value).toBe('USD');
  });

  it('gives every token its offset, line, column and length, across \\n, \\r\\n and \\r', () => {
    // Prepare
    const source = 'a\n  and\r\n b\rc';

    // Act
    const positions = tokenize(source).map((token) => token.position);

    // Assert
    expect(positions).toEqual([
      { offset: 0, line: 1, column: 1, length: 1 },
      { offset: 4, line: 2, column: 3, length: 3 },
      { offset: 10, line: 3, column: 2, length: 1 },
      { offset: 12, line: 4, column: 1, length: 1 },
      { offset: 13, line: 4, column: 2, length: 0 },
    ]);
  });

  it('reads keywords in any case but keeps names case-sensitive', () => {
    // Act
    const tokens = tokenize('A AND b Or NOT c IN [TRUE, False]');

    // Assert
    expect(tokens.map((token) => token.kind)).toEqual(['identifier', 'and', 'identifier', 'or', 'not', 'identifier', 'in', '[', 'true', ',', 'false', ']', 'end']);
    expect(tokens[0].text).toBe('A');
  });

  it('keeps a keyword inside a dotted name as part of the name', () => {
    // Act
    const tokens = tokenize('tx.in.and');

    // Assert
    expect(tokens.map((token) => [token.kind, token.text])).toEqual([
      ['identifier', 'tx.in.and'],
      ['end', ''],
    ]);
  });

  it('decodes string escapes, including \\uXXXX and the other quote', () => {
    // Act
    const [token] = tokenize(String.raw`'it\'s \"q\" \\ \n\t\u00e9' `);

    // Assert
    expect(token.value).toBe('it\'s "q" \\ \n\té');
  });

  it('reads numbers with _ separators and decimals', () => {
    // Act
    const values = tokenize('0 7 10_000 3.25 1_000.000_5').map((token) => token.value);

    // Assert
    expect(values).toEqual([0, 7, 10000, 3.25, 1000.0005, undefined]);
  });

  it.each([
    ['1__0', 1, 1],
    ['1_', 1, 1],
    ['1.', 0, 2],
    ['1.2.3', 0, 5],
    ['12abc', 0, 5],
    ['1e400 written out', 0, 0],
  ])('refuses the malformed number %s', (label, offset, length) => {
    // Prepare
    const source = label === '1e400 written out' ? '1' + '0'.repeat(400) : label;
    const expectedLength = length || source.length;

    // Act
    const error = errorOf(() => tokenize(source));

    // Assert
    expect(error.code).toBe(ExpressionErrorCode.InvalidNumber);
    expect(error.position).toMatchObject({ offset, length: expectedLength });
  });

  it.each([
    ['a && b', "'&&'", "use 'and'", 2, 2],
    ['a || b', "'||'", "use 'or'", 2, 2],
    ['a = 1', "'='", "use '=='", 2, 1],
    ['!a', "'!'", "use 'not'", 0, 1],
  ])('answers %s with a hint', (source, shown, hint, offset, length) => {
    // Act
    const error = errorOf(() => tokenize(source));

    // Assert
    expect(error.code).toBe(ExpressionErrorCode.UnexpectedCharacter);
    expect(error.message).toContain(shown);
    expect(error.message).toContain(hint);
    expect(error.position).toMatchObject({ offset, length });
  });

  it('refuses a dotted name that ends in a dot', () => {
    // Act
    const error = errorOf(() => tokenize('tx. > 1'));

    // Assert
    expect(error.code).toBe(ExpressionErrorCode.UnexpectedCharacter);
    expect(error.position).toEqual({ offset: 2, line: 1, column: 3, length: 1 });
  });

  it('refuses a raw line break inside a string', () => {
    // Act
    const error = errorOf(() => tokenize("x == 'ab\ncd'"));

    // Assert
    expect(error.code).toBe(ExpressionErrorCode.UnterminatedString);
    expect(error.position).toEqual({ offset: 5, line: 1, column: 6, length: 3 });
  });

  it.each([String.raw`'\q'`, String.raw`'\u12'`, `'\\`])('refuses the unknown escape in %s', (source) => {
    // Act
    const error = errorOf(() => tokenize(source));

    // Assert
    expect(error.code).toBe(ExpressionErrorCode.InvalidEscape);
    expect(error.position.offset).toBe(1);
  });
});
