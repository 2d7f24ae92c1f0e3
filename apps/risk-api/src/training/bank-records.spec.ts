import { MODEL_ONLY, typologyOf } from './bank-records';

describe(typologyOf.name, () => {
  const typologies = new Map([
    ['STR-01', 'structuring'],
    ['FO-01', 'fan_out'],
  ]);

  it('names the typology of the strongest hit, the first of equals', () => {
    expect(typologyOf([{ id: 'STR-01', score: 0.3 }, { id: 'FO-01', score: 0.7 }], typologies)).toBe('fan_out');
    expect(typologyOf([{ id: 'STR-01', score: 0.4 }, { id: 'FO-01', score: 0.4 }], typologies)).toBe('structuring');
  });

  it('says the model alone alerted when no rule scored', () => {
    expect(typologyOf([], typologies)).toBe(MODEL_ONLY);
    expect(typologyOf([{ id: 'STR-01', score: 0 }], typologies)).toBe(MODEL_ONLY);
  });

  it('keeps the rule id when its rule set is unknown', () => {
    expect(typologyOf([{ id: 'X-9', score: 0.5 }], typologies)).toBe('X-9');
    expect(typologyOf([{ id: 'STR-01', score: 0.5 }], undefined)).toBe('STR-01');
  });
});
