import { MetisError, type Hex } from '@metis/core';
import { parseSignature } from './eip712.js';
import { normalizeAttestation, type SignedAttestation } from './types.js';

/** Version byte of the wire format. */
export const ATTESTATION_WIRE_VERSION = 0x01;
/** `version (1) ‖ chainId (32) ‖ batchIndex (8) ‖ prevStateRoot ‖ newStateRoot ‖ dataHash ‖ withdrawalRoot (4 × 32) ‖ r ‖ s ‖ v (65)` */
export const ATTESTATION_WIRE_LENGTH = 1 + 32 + 8 + 4 * 32 + 65;

const hexOf = (b: Uint8Array, from: number, to: number): Hex => `0x${Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('hex')}`;

function putHex(out: Uint8Array, at: number, hex: string): void {
  out.set(Buffer.from(hex.slice(2), 'hex'), at);
}

/**
 * The 234-byte gossip message of a signed attestation. Throws ATTESTATION_MALFORMED for a bad attestation,
 * ATTESTATION_SIGNATURE_INVALID for a signature that is not canonical (65 bytes, v 27 or 28, low s).
 */
export function encodeAttestation(signed: SignedAttestation): Uint8Array {
  const a = normalizeAttestation(signed.attestation);
  const sig = parseSignature(signed.signature);
  const out = new Uint8Array(ATTESTATION_WIRE_LENGTH);
  out[0] = ATTESTATION_WIRE_VERSION;
  putHex(out, 1, `0x${a.chainId.toString(16).padStart(64, '0')}`);
  new DataView(out.buffer).setBigUint64(33, a.batchIndex, false);
  putHex(out, 41, a.prevStateRoot);
  putHex(out, 73, a.newStateRoot);
  putHex(out, 105, a.dataHash);
  putHex(out, 137, a.withdrawalRoot);
  putHex(out, 169, sig.r);
  putHex(out, 201, sig.s);
  out[233] = sig.v;
  return out;
}

/**
 * Decodes a gossip message, strictly: exactly 234 bytes, version 0x01 (ATTESTATION_MALFORMED otherwise), a
 * canonical signature (ATTESTATION_SIGNATURE_INVALID otherwise; whether it recovers a key is
 * `recoverSigner`'s business). Every accepted message re-encodes to the same bytes; hex comes out in lower case.
 */
export function decodeAttestation(bytes: Uint8Array): SignedAttestation {
  if (!(bytes instanceof Uint8Array)) throw new MetisError('ATTESTATION_MALFORMED', { reason: 'not bytes' });
  if (bytes.length !== ATTESTATION_WIRE_LENGTH) {
    throw new MetisError('ATTESTATION_MALFORMED', { reason: `${bytes.length} bytes, expected ${ATTESTATION_WIRE_LENGTH}` });
  }
  if (bytes[0] !== ATTESTATION_WIRE_VERSION) {
    throw new MetisError('ATTESTATION_MALFORMED', { reason: `version ${bytes[0]}, expected ${ATTESTATION_WIRE_VERSION}` });
  }
  const signature = hexOf(bytes, 169, 234);
  parseSignature(signature);
  const attestation = normalizeAttestation({
    chainId: BigInt(hexOf(bytes, 1, 33)),
    batchIndex: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(33, false),
    prevStateRoot: hexOf(bytes, 41, 73),
    newStateRoot: hexOf(bytes, 73, 105),
    dataHash: hexOf(bytes, 105, 137),
    withdrawalRoot: hexOf(bytes, 137, 169),
  });
  return { attestation, signature };
}
