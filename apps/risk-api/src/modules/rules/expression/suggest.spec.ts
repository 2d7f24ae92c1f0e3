import { editDistance, suggest } from './suggest';

describe(editDistance.name, () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['orig_cuont_1h', 'orig_count_1h', 1],
    ['tx.amoutn', 'tx.amount', 1],
    ['abc', 'abc', 0],
  ])('distance(%s, %s) = %d', (a, b, expected) => {
    // Act
    const distance = editDistance(a, b);

    // Assert
    expect(distance).toBe(expected);
  });

  it('stops early past the limit and says limit + 1', () => {
    // Act
    const distance = editDistance('aaaaaaaaaa', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 3);

    // Assert
    expect(distance).toBe(4);
  });
});

describe(suggest.name, () => {
  const names = ['orig_count_1h', 'orig_count_24h', 'orig_sum_24h', 'tx.amount', 'tx.currency'];

  it.each([
    ['orig_cuont_1h', 'orig_count_1h'],
    ['ORIG_COUNT_24H', 'orig_count_24h'],
    ['orig_sum_24', 'orig_sum_24h'],
    ['tx.amout', 'tx.amount'],
    ['velocity', undefined],
    ['x', undefined],
  ])('suggests for %s: %s', (name, expected) => {
    // Act
    const suggestion = suggest(name, names);

    // Assert
    expect(suggestion).toBe(expected);
  });

  it('breaks ties by name', () => {
    // Act
    const suggestion = suggest('ab', ['ac', 'aa']);

    // Assert
    expect(suggestion).toBe('aa');
  });
});
