import { describe, expect, it } from 'vitest';
import { isSdkError } from './errors.js';
import { toAddress, toAmount, toBlockNumber, toChainId, toTxHash } from './validate.js';

const kind = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return isSdkError(e) ? e.kind : `not an SdkError: ${String(e)}`;
  }
  return undefined;
};

describe('argument validation', () => {
  it('toAddress checksums valid addresses and refuses typos, junk and the zero address', () => {
    expect(toAddress('0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266', 'to')).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    expect(toAddress(' 0xF39FD6E51AAD88F6F4CE6AB8827279CFFFB92266 ', 'to')).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    expect(toAddress('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', 'to')).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    // one letter's case changed: a bad checksum
    expect(kind(() => toAddress('0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266', 'to'))).toBe('INVALID_ARGUMENT');
    for (const bad of ['', '0x', '0x1234', 'vitalik.eth', 'f39fd6e51aad88f6f4ce6ab8827279cfffb92266zz', 42, undefined, null]) {
      expect(kind(() => toAddress(bad, 'to')), String(bad)).toBe('INVALID_ARGUMENT');
    }
    expect(() => toAddress(`0x${'0'.repeat(40)}`, 'to')).toThrow(/zero address/);
    expect(() => toAddress('nope', 'l1Token')).toThrow(/l1Token/);
  });

  it('toChainId accepts positive integers in any form', () => {
    expect(toChainId(1337)).toBe(1337n);
    expect(toChainId(1337n)).toBe(1337n);
    expect(toChainId(' 42 ')).toBe(42n);
    for (const bad of [0, -1, 1.5, '0x10', '', 'one', 0n, 2n ** 64n, Number.NaN, undefined]) {
      expect(kind(() => toChainId(bad)), String(bad)).toBe('INVALID_ARGUMENT');
    }
  });

  it('toAmount wants a positive bigint (decimals are parsed with parseAmount)', () => {
    expect(toAmount(1n)).toBe(1n);
    for (const bad of [0n, -1n, 1, '1', 1.5, undefined]) expect(kind(() => toAmount(bad)), String(bad)).toBe('INVALID_ARGUMENT');
    expect(() => toAmount(1)).toThrow(/parseAmount/);
  });

  it('toTxHash and toBlockNumber', () => {
    const hash = `0x${'Ab'.repeat(32)}`;
    expect(toTxHash(hash)).toBe(hash.toLowerCase());
    for (const bad of ['0x12', `0x${'zz'.repeat(32)}`, 12, undefined]) expect(kind(() => toTxHash(bad)), String(bad)).toBe('INVALID_ARGUMENT');
    expect(toBlockNumber(0)).toBe(0);
    expect(toBlockNumber(12n)).toBe(12);
    for (const bad of [-1, 1.5, '3', Number.NaN]) expect(kind(() => toBlockNumber(bad)), String(bad)).toBe('INVALID_ARGUMENT');
  });
});
