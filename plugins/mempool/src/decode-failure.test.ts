import { RLP } from '@ethereumjs/rlp';
import { bigIntToUnpaddedBytes, concatBytes } from '@ethereumjs/util';
import { describe, expect, it } from 'vitest';
import { claimedChainId, decodeFailure, listFields } from './decode-failure.js';
import { testCommon } from './testing/fake-state.js';
import { Wallet } from './testing/wallets.js';

describe('reading fields of refused transactions', () => {
  const w = new Wallet(1);

  it('finds the claimed chain id of typed and EIP-155 legacy transactions', () => {
    expect(claimedChainId(w.eip1559(testCommon(42n)))).toBe(42n);
    expect(claimedChainId(w.eip2930(testCommon(7n)))).toBe(7n);
    expect(claimedChainId(w.legacy(testCommon(1337n)))).toBe(1337n);
    expect(claimedChainId(w.legacy(testCommon(1337n, 'tangerineWhistle')))).toBeUndefined();
    expect(claimedChainId(Uint8Array.of(2, 0xc5))).toBeUndefined();
    expect(claimedChainId(new Uint8Array())).toBeUndefined();
  });

  it('reads long lists and rejects overruns', () => {
    const big = RLP.encode([new Uint8Array(100), bigIntToUnpaddedBytes(5n), []]);
    const fields = listFields(big, 0)!;
    expect(fields).toHaveLength(3);
    expect(fields[0]).toHaveLength(100);
    expect(fields[2]).toBeNull();
    expect(listFields(big.slice(0, 50), 0)).toBeUndefined();
  });

  it('falls back to TX_MALFORMED with the library reason', () => {
    const raw = concatBytes(Uint8Array.of(2), RLP.encode([Uint8Array.of(1)]));
    const err = decodeFailure(raw, 1n, new Error('Invalid EIP-1559 transaction. Only expecting 9 values (tx type=2 hash=x)'));
    expect(err.is('TX_MALFORMED')).toBe(true);
    expect(err.message).toBe('invalid transaction: Invalid EIP-1559 transaction. Only expecting 9 values');
  });
});
