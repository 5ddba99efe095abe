import type { Hex } from '@metis/core';

/** Lower-case 0x hex of bytes. */
export function bytesToHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}

/** Bytes of a 0x hex string (even length, hex digits only; throws TypeError otherwise). */
export function hexToBytes(hex: string): Uint8Array {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(hex)) throw new TypeError(`not 0x-prefixed hex bytes: ${hex.slice(0, 20)}`);
  return new Uint8Array(Buffer.from(hex.slice(2), 'hex'));
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
