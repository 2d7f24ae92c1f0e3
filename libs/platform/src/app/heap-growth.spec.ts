import { setFlagsFromString } from 'node:v8';

import { setHeapGrowingPercent } from './heap-growth';

jest.mock('node:v8', () => ({ setFlagsFromString: jest.fn() }));

describe('setHeapGrowingPercent', () => {
  afterEach(() => jest.mocked(setFlagsFromString).mockClear());

  it("sets V8's heap growing percent", () => {
    setHeapGrowingPercent(300);

    expect(setFlagsFromString).toHaveBeenCalledWith('--heap-growing-percent=300');
  });

  it.each([0, -5, 1001, 2.5, Number.NaN])('refuses %p, naming the setting', (percent) => {
    expect(() => setHeapGrowingPercent(percent)).toThrow(/heapGrowingPercent: expected an integer in \[1, 1000\]/);
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });
});
