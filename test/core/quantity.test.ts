import { parseCpu, parseMemory, parseQuantity } from '../../lib/core/quantity';

describe('parseQuantity', () => {
  test.each([
    ['500m', 0.5],
    ['2', 2],
    ['0.5', 0.5],
    ['128Mi', 128 * 1024 ** 2],
    ['8Gi', 8 * 1024 ** 3],
    ['1G', 1e9],
    ['1e3', 1000],
    ['100M', 1e8],
  ])('parses %s', (text, expected) => {
    expect(parseQuantity(text)).toBeCloseTo(expected);
  });

  test.each(['', 'abc', '1.5.2', '10 Mi', ' 1', '1MiB', '1gb', 'Gi'])('rejects %j', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });

  test('cpu and memory must be positive; memory at least one byte', () => {
    expect(parseCpu('0')).toBeUndefined();
    expect(parseCpu('-1')).toBeUndefined();
    expect(parseMemory('500m')).toBeUndefined();
    expect(parseMemory('1Ki')).toBe(1024);
  });
});
