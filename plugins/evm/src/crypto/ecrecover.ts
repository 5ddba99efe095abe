import { createRequire } from 'node:module';
import { calculateSigRecovery, ecrecover as jsEcrecover, concatBytes, setLengthLeft } from '@ethereumjs/util';

type Ecrecover = (msgHash: Uint8Array, v: bigint, r: Uint8Array, s: Uint8Array, chainId?: bigint) => Uint8Array;

interface NativeSecp256k1 {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array;
}

function loadNative(): NativeSecp256k1 | undefined {
  try {
    // `secp256k1` picks its native binding when the prebuilt addon loads, its elliptic fallback otherwise;
    // require the binding entry directly so a missing addon means "use the pure-JS path", not a slow shim.
    const require = createRequire(import.meta.url);
    return require('secp256k1/bindings') as NativeSecp256k1;
  } catch {
    return undefined;
  }
}

const native = loadNative();

/** True when sender recovery runs on native libsecp256k1. */
export const nativeEcrecover = native !== undefined;

/**
 * `common.customCrypto.ecrecover`: native libsecp256k1 (about 20x the pure-JS speed), falling back to
 * ethereumjs's pure-JS recovery where the native module is missing. Returns the 64-byte public key.
 */
export const ecrecover: Ecrecover = native
  ? (msgHash, v, r, s, chainId) => {
      const recovery = calculateSigRecovery(v, chainId);
      const sig = concatBytes(setLengthLeft(r, 32), setLengthLeft(s, 32));
      return native.ecdsaRecover(sig, Number(recovery), msgHash, false).subarray(1);
    }
  : jsEcrecover;
