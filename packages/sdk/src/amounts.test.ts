import { describe, expect, it } from 'vitest';
import { formatAmount, parseAmount, parsePositiveAmount } from './amounts.js';
import { isSdkError } from './errors.js';

const kind = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return isSdkError(e) ? e.kind : `not an SdkError: ${String(e)}`;
  }
  return undefined;
};

describe('parseAmount', () => {
  it('parses decimals exactly into base units', () => {
    expect(parseAmount('1')).toBe(10n ** 18n);
    expect(parseAmount('1.5')).toBe(1_500_000_000_000_000_000n);
    expect(parseAmount('0.000000000000000001')).toBe(1n);
    expect(parseAmount(' 2.50 ')).toBe(2_500_000_000_000_000_000n);
    expect(parseAmount('100', 6)).toBe(100_000_000n);
    expect(parseAmount('1.25', 2)).toBe(125n);
    expect(parseAmount('7', 0)).toBe(7n);
    expect(parseAmount('1_000.5', 1)).toBe(10_005n);
    expect(parseAmount('0')).toBe(0n);
    // trailing zeros beyond the decimals do not change the value
    expect(parseAmount('1.500000', 2)).toBe(150n);
    expect(parseAmount('123456789012345678901234567890')).toBe(123456789012345678901234567890n * 10n ** 18n);
  });

  it('refuses anything that is not a plain decimal, or is more precise than the unit', () => {
    for (const bad of ['', ' ', '-1', '+1', '1e18', '0x10', '1.', '.5', '1.2.3', 'abc', '1,5', 'NaN', 'Infinity', '1__0', '_1']) {
      expect(kind(() => parseAmount(bad)), bad).toBe('INVALID_ARGUMENT');
    }
    expect(kind(() => parseAmount('0.0000000000000000001'))).toBe('INVALID_ARGUMENT');
    expect(kind(() => parseAmount('1.001', 2))).toBe('INVALID_ARGUMENT');
    expect(kind(() => parseAmount('1.5', 0))).toBe('INVALID_ARGUMENT');
    expect(kind(() => parseAmount('1', 256))).toBe('INVALID_ARGUMENT');
    expect(kind(() => parseAmount('1', 1.5))).toBe('INVALID_ARGUMENT');
    expect(() => parseAmount('1.001', 2)).toThrow(/at most 2 decimal places/);
  });

  it('parsePositiveAmount refuses zero', () => {
    expect(parsePositiveAmount('0.1')).toBe(10n ** 17n);
    expect(kind(() => parsePositiveAmount('0'))).toBe('INVALID_ARGUMENT');
    expect(kind(() => parsePositiveAmount('0.000'))).toBe('INVALID_ARGUMENT');
  });
});

describe('formatAmount', () => {
  it('formats base units exactly, and round-trips with parseAmount', () => {
    expect(formatAmount(1_500_000_000_000_000_000n)).toBe('1.5');
    expect(formatAmount(10n ** 18n)).toBe('1');
    expect(formatAmount(1n)).toBe('0.000000000000000001');
    expect(formatAmount(0n)).toBe('0');
    expect(formatAmount(125n, 2)).toBe('1.25');
    expect(formatAmount(7n, 0)).toBe('7');
    expect(formatAmount(-5n, 1)).toBe('-0.5');
    for (const [text, decimals] of [['123.456', 18], ['0.000001', 6], ['99', 0], ['1.1', 1]] as const) {
      expect(formatAmount(parseAmount(text, decimals), decimals)).toBe(text);
    }
  });
});
