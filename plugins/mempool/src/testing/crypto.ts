import { createRequire } from 'node:module';
import { calculateSigRecovery, concatBytes, setLengthLeft } from '@ethereumjs/util';
import type { CustomCrypto } from '@ethereumjs/common';

interface NativeSecp256k1 {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array;
  ecdsaSign(msg32: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
}

function loadNative(): NativeSecp256k1 | undefined {
  try {
    return createRequire(import.meta.url)('secp256k1/bindings') as NativeSecp256k1;
  } catch {
    return undefined;
  }
}

const native = loadNative();

/**
 * Native libsecp256k1 signing and recovery for tests and benchmarks (as the EVM plugin sets up recovery),
 * or nothing when the addon is missing: ethereumjs then uses its pure-JS paths.
 */
export function nativeCrypto(): CustomCrypto {
  if (!native) return {};
  return {
    ecrecover: (msgHash, v, r, s, chainId) => {
      const sig = concatBytes(setLengthLeft(r, 32), setLengthLeft(s, 32));
      return native.ecdsaRecover(sig, Number(calculateSigRecovery(v, chainId)), msgHash, false).subarray(1);
    },
    // noble's "recovered" format, which @ethereumjs/tx parses: recovery byte, then r and s.
    ecsign: ((msgHash: Uint8Array, privateKey: Uint8Array) => {
      const { signature, recid } = native.ecdsaSign(msgHash, privateKey);
      return concatBytes(Uint8Array.of(recid), signature);
    }) as CustomCrypto['ecsign'],
  };
}
