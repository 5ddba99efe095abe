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

export const keys = {
  /** Trie nodes and code, keyed as ethereumjs's trie database keys them (unprefixed hex). */
  trie: (hex: string): Uint8Array => concatBytes(T_TRIE, unprefixedHexToBytes(hex)),
  block: (n: bigint): Uint8Array => concatBytes(T_BLOCK, u64(n)),
  blockByHash: (hash: string): Uint8Array => concatBytes(T_HASH, hexToBytes(hash as `0x${string}`)),
  tx: (hash: string): Uint8Array => concatBytes(T_TX, hexToBytes(hash as `0x${string}`)),
  logAddress: (address: Uint8Array, n: bigint): Uint8Array => concatBytes(T_LOG_ADDRESS, address, u64(n)),
  logTopic: (topic: Uint8Array, n: bigint): Uint8Array => concatBytes(T_LOG_TOPIC, topic, u64(n)),
  logAddressPrefix: (address: Uint8Array): Uint8Array => concatBytes(T_LOG_ADDRESS, address),
  logTopicPrefix: (topic: Uint8Array): Uint8Array => concatBytes(T_LOG_TOPIC, topic),
  head: concatBytes(T_META, new TextEncoder().encode('head')),
  genesis: concatBytes(T_META, new TextEncoder().encode('genesis')),
};
