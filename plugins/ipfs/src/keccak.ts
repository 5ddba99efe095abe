import { keccak256 as keccakJs } from 'ethers';
import { createKeccak } from 'hash-wasm';

/** One WebAssembly keccak instance (30x the pure-JS one on megabytes); reused, since every call runs to the end synchronously. */
const wasm = await createKeccak(256).catch(() => undefined);

/** keccak-256 of `data` as 0x-prefixed lowercase hex. */
export function keccak256(data: Uint8Array): `0x${string}` {
  if (!wasm) return keccakJs(data) as `0x${string}`;
  wasm.init();
  wasm.update(data);
  return `0x${wasm.digest('hex')}`;
}
