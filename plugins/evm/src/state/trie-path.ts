/** Nibble paths and their hex-prefix encoding (yellow paper, appendix C), shared by the trie helpers here. */

/** A key's nibbles, high half of each byte first. */
export function nibbles(key: Uint8Array): number[] {
  const out = new Array<number>(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    out[2 * i] = key[i]! >> 4;
    out[2 * i + 1] = key[i]! & 15;
  }
  return out;
}

/** Hex-prefix encoding of a leaf's or an extension's path. */
export function hexPrefix(path: number[], leaf: boolean): Uint8Array {
  const odd = path.length % 2;
  const out = new Uint8Array(1 + (path.length >> 1));
  const flag = (leaf ? 2 : 0) + odd;
  let i = 0;
  if (odd) out[0] = (flag << 4) | path[i++]!;
  else out[0] = flag << 4;
  for (let j = 1; i < path.length; j++, i += 2) out[j] = (path[i]! << 4) | path[i + 1]!;
  return out;
}

/** Decodes a hex-prefixed path; throws on an empty or malformed prefix. */
export function fromHexPrefix(bytes: Uint8Array): { path: number[]; leaf: boolean } {
  if (bytes.length === 0) throw new Error('trie node has an empty path prefix');
  const flag = bytes[0]! >> 4;
  if (flag > 3) throw new Error(`trie node has a bad path prefix ${flag}`);
  const path: number[] = [];
  if (flag & 1) path.push(bytes[0]! & 15);
  for (let i = 1; i < bytes.length; i++) path.push(bytes[i]! >> 4, bytes[i]! & 15);
  return { path, leaf: flag >= 2 };
}
