import { keccak_256 } from '@noble/hashes/sha3.js';
import { bigIntToBytes, bytesToHex, randomBytes, setLengthLeft } from '@ethereumjs/util';
import { ecrecover as jsEcrecover } from '@ethereumjs/util';
import { createFeeMarket1559Tx } from '@ethereumjs/tx';
import { describe, expect, it } from 'vitest';
import { createEvmCommon } from '../src/common.js';
import { ecrecover, nativeEcrecover } from '../src/crypto/ecrecover.js';
import { keccak256, wasmKeccak } from '../src/crypto/keccak.js';

describe('native crypto', () => {
  it('loads the native modules on this machine', () => {
    expect(wasmKeccak).toBe(true);
    expect(nativeEcrecover).toBe(true);
  });

  it('keccak-256 matches the pure-JS hash for inputs of every size around the rate', () => {
    for (const n of [0, 1, 31, 32, 33, 135, 136, 137, 272, 532, 4096]) {
      const data = randomBytes(n);
      expect(bytesToHex(keccak256(data))).toBe(bytesToHex(keccak_256(data)));
    }
    const view = randomBytes(100).subarray(7, 77);
    expect(bytesToHex(keccak256(view))).toBe(bytesToHex(keccak_256(view)));
  });

  it('recovers the same sender as the pure-JS path', () => {
    const common = createEvmCommon(1337n);
    const key = randomBytes(32);
    const tx = createFeeMarket1559Tx({ chainId: 1337n, nonce: 3n, gasLimit: 21_000n, maxFeePerGas: 9n, to: `0x${'11'.repeat(20)}` }, { common }).sign(key);
    const hash = tx.getMessageToVerifySignature();
    const r = setLengthLeft(bigIntToBytes(tx.r!), 32);
    const s = setLengthLeft(bigIntToBytes(tx.s!), 32);
    const native = ecrecover(hash, tx.v!, r, s);
    expect(bytesToHex(native)).toBe(bytesToHex(jsEcrecover(hash, tx.v!, r, s)));
    expect(bytesToHex(native)).toBe(bytesToHex(tx.getSenderPublicKey()));
  });
});
