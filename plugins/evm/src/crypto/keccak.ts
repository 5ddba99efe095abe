import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { keccak_256 } from '@noble/hashes/sha3.js';

interface NativeKeccakState {
  initialize(rate: number, capacity: number, delimitedSuffix: number, hashBitLength: number): void;
  absorb(data: Buffer): void;
  squeeze(length: number): Buffer;
}
type NativeKeccak = new () => NativeKeccakState;

function loadNative(): NativeKeccak | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('keccak/package.json');
    // The `keccak` package's prebuilt addon, used directly: its stream wrappers cost more than the hash.
    const load = createRequire(manifest)('node-gyp-build') as (dir: string) => unknown;
    const addon = load(dirname(manifest));
    return typeof addon === 'function' ? (addon as NativeKeccak) : undefined;
  } catch {
    return undefined;
  }
}

const Native = loadNative();

/** True when keccak-256 runs natively. */
export const nativeKeccak = Native !== undefined;

/**
 * keccak-256 for `common.customCrypto.keccak256`, used by the trie, the state manager and transactions:
 * the native addon (about 1.7x noble's speed on trie nodes), noble's pure JS where it is missing.
 */
export const keccak256: (data: Uint8Array) => Uint8Array = Native
  ? (data) => {
      const state = new Native();
      state.initialize(1088, 512, 0x01, 256);
      state.absorb(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      const out = state.squeeze(32);
      return new Uint8Array(out.buffer, out.byteOffset, 32);
    }
  : keccak_256;
