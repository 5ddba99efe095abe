import { concatBytes, hexToBytes, unprefixedHexToBytes } from '@ethereumjs/util';

/**
 * One LevelDB holds the chain: trie nodes, blocks and indexes, so a block, its state and its indexes
 * are written in one atomic batch. Keys start with a one-byte space tag.
 */
const tag = (c: string): Uint8Array => Uint8Array.of(c.charCodeAt(0));
const T_TRIE = tag('t');
const T_BLOCK = tag('b');
const T_HASH = tag('h');
const T_TX = tag('x');
const T_LOG_ADDRESS = tag('l');
const T_LOG_TOPIC = tag('o');
const T_META = tag('M');

export function u64(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

export function readU64(bytes: Uint8Array, offset = 0): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getBigUint64(0);
}

/**
 * `tag ‖ bytes of hex[from..]` with Node's native hex decoder: a block writes thousands of such keys (trie
 * nodes, transaction index). Hex that is odd-length or not hex goes through ethereumjs's decoder, which
 * pads or throws as before.
 */
function tagged(t: Uint8Array, hex: string, from: number, slow: (hex: string) => Uint8Array): Uint8Array {
  const n = (hex.length - from) >> 1;
  if ((hex.length - from) % 2 === 0) {
    const out = new Uint8Array(1 + n);
    out[0] = t[0]!;
    if (Buffer.from(out.buffer, out.byteOffset + 1, n).write(hex.slice(from), 'hex') === n) return out;
  }
  return concatBytes(t, slow(hex));
}

export const keys = {
  /** Trie nodes and code, keyed as ethereumjs's trie database keys them (unprefixed hex). */
  trie: (hex: string): Uint8Array => tagged(T_TRIE, hex, 0, unprefixedHexToBytes),
  block: (n: bigint): Uint8Array => concatBytes(T_BLOCK, u64(n)),
  blockByHash: (hash: string): Uint8Array => tagged(T_HASH, hash, 2, (h) => hexToBytes(h as `0x${string}`)),
  tx: (hash: string): Uint8Array => tagged(T_TX, hash, 2, (h) => hexToBytes(h as `0x${string}`)),
  logAddress: (address: Uint8Array, n: bigint): Uint8Array => concatBytes(T_LOG_ADDRESS, address, u64(n)),
  logTopic: (topic: Uint8Array, n: bigint): Uint8Array => concatBytes(T_LOG_TOPIC, topic, u64(n)),
  logAddressPrefix: (address: Uint8Array): Uint8Array => concatBytes(T_LOG_ADDRESS, address),
  logTopicPrefix: (topic: Uint8Array): Uint8Array => concatBytes(T_LOG_TOPIC, topic),
  head: concatBytes(T_META, new TextEncoder().encode('head')),
  genesis: concatBytes(T_META, new TextEncoder().encode('genesis')),
};
