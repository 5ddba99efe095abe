import { invalidArgument } from './errors.js';

/** Decimals of ETH (wei per ether = 10^18). */
export const ETH_DECIMALS = 18;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal amount in whole units ("1.5" ETH, "100" tokens) into base units (wei, the token's
 * smallest unit) exactly, without floating point.
 * @param text a plain decimal: digits, optionally a point and more digits; `_` may group digits ("1_000")
 * @param decimals the unit's decimals (18 for ETH, the token's `decimals()` otherwise), 0 to 255
 * @throws SdkError INVALID_ARGUMENT when the text is not such a decimal (signs, exponents, hex, empty), or has
 *         more fractional digits than `decimals` allows (the amount would not be exact)
 */
export function parseAmount(text: string, decimals: number = ETH_DECIMALS): bigint {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 255) throw invalidArgument(`decimals must be an integer from 0 to 255, got ${decimals}`);
  const trimmed = String(text).trim();
  const match = DECIMAL.exec(trimmed.replace(/(\d)_(?=\d)/g, '$1'));
  if (!match) throw invalidArgument(`invalid amount "${text}": expected a decimal such as 1, 0.5 or 1000.25`);
  const [, whole, fraction = ''] = match;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > decimals) {
    throw invalidArgument(`invalid amount "${text}": at most ${decimals} decimal place${decimals === 1 ? '' : 's'} (the unit has ${decimals} decimals)`);
  }
  return BigInt(whole!) * 10n ** BigInt(decimals) + BigInt(significant.padEnd(decimals, '0') || '0');
}

/**
 * Formats base units as a decimal in whole units, exactly: `formatAmount(1500000000000000000n)` is "1.5".
 * @param decimals the unit's decimals (18 for ETH)
 */
export function formatAmount(value: bigint, decimals: number = ETH_DECIMALS): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  const fraction = decimals === 0 ? '' : (abs % base).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/**
 * Parses a positive decimal amount (see {@link parseAmount}).
 * @throws SdkError INVALID_ARGUMENT also for zero (the bridge refuses empty deposits and withdrawals)
 */
export function parsePositiveAmount(text: string, decimals: number = ETH_DECIMALS): bigint {
  const value = parseAmount(text, decimals);
  if (value === 0n) throw invalidArgument(`invalid amount "${text}": it must be more than 0`);
  return value;
}
