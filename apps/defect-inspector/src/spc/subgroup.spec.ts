import { parseSubgroup } from './subgroup';

describe(parseSubgroup.name, () => {
  it.each([
    ['15m', { kind: 'time', ms: 900_000 }],
    ['1h', { kind: 'time', ms: 3_600_000 }],
    ['8h', { kind: 'time', ms: 28_800_000 }],
    ['24h', { kind: 'time', ms: 86_400_000 }],
    ['shift', { kind: 'shift' }],
    ['parts:500', { kind: 'parts', size: 500 }],
  ])('reads %s', (spec, expected) => {
    expect(parseSubgroup(spec)).toEqual(expected);
  });

  it.each([
    ['7m', 'must divide a day'],
    ['0h', 'must divide a day'],
    ['48h', 'must divide a day'],
    ['parts:0', 'needs N from 1'],
    ['hour', "got 'hour'"],
    ['1h ', "got '1h '"],
  ])('refuses %s', (spec, message) => {
    expect(() => parseSubgroup(spec)).toThrow(message);
  });
});
