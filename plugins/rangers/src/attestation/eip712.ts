import { MetisError, type Hex } from '@metis/core';
import { TypedDataEncoder, getAddress, recoverAddress, type TypedDataDomain, type TypedDataField } from 'ethers';
import { isEquivocation } from './compare.js';
import { normalizeAttestation, type Attestation, type SignedAttestation } from './types.js';

/** EIP-712 domain name and version of the rangers (the RangerRegistry is the verifying contract). */
export const RANGERS_DOMAIN_NAME = 'Metis Rangers';
export const RANGERS_DOMAIN_VERSION = '1';

/** `Attestation(uint256 chainId,uint64 batchIndex,bytes32 prevStateRoot,bytes32 newStateRoot,bytes32 dataHash,bytes32 withdrawalRoot)` */
export const ATTESTATION_TYPES: Readonly<Record<'Attestation', readonly TypedDataField[]>> = Object.freeze({
  Attestation: Object.freeze([
    { name: 'chainId', type: 'uint256' },
    { name: 'batchIndex', type: 'uint64' },
    { name: 'prevStateRoot', type: 'bytes32' },
    { name: 'newStateRoot', type: 'bytes32' },
    { name: 'dataHash', type: 'bytes32' },
    { name: 'withdrawalRoot', type: 'bytes32' },
  ]),
});

/** The EIP-712 domain of attestations: `{ name: "Metis Rangers", version: "1", chainId: <L1>, verifyingContract: <RangerRegistry> }`. */
export interface RangerDomain {
  readonly name: typeof RANGERS_DOMAIN_NAME;
  readonly version: typeof RANGERS_DOMAIN_VERSION;
  /** The L1 chain id. */
  readonly chainId: bigint;
  /** The RangerRegistry address (lower-case hex). */
  readonly verifyingContract: Hex;
}

/** The domain for the L1 chain `l1ChainId` and the RangerRegistry at `registry`. */
export function rangerDomain(l1ChainId: bigint | number, registry: string): RangerDomain {
  let verifyingContract: Hex;
  try {
    verifyingContract = getAddress(registry).toLowerCase() as Hex;
  } catch {
    throw new MetisError('ATTESTATION_MALFORMED', { reason: `registry ${String(registry)} is not an address` });
  }
  const chainId = BigInt(l1ChainId);
  if (chainId <= 0n) throw new MetisError('ATTESTATION_MALFORMED', { reason: `L1 chain id ${chainId} must be positive` });
  return Object.freeze({ name: RANGERS_DOMAIN_NAME, version: RANGERS_DOMAIN_VERSION, chainId, verifyingContract });
}

const types = ATTESTATION_TYPES as unknown as Record<string, TypedDataField[]>;
const ethersDomain = (d: RangerDomain): TypedDataDomain => ({ name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract });
const value = (a: Attestation): Record<string, unknown> => ({ ...a });

/** The EIP-712 digest a ranger signs (what `ECDSA.recover` is given on L1). */
export function attestationDigest(domain: RangerDomain, att: Attestation): Hex {
  return TypedDataEncoder.hash(ethersDomain(domain), types, value(normalizeAttestation(att))) as Hex;
}

/** What signs attestations: an ethers `Wallet`, `HDNodeWallet` or any ethers `Signer`. */
export interface AttestationSigner {
  signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string>;
  /** When present (wallets), the recovered signer must be this address. */
  readonly address?: string;
}

/**
 * Signs `att` (EIP-712) and returns its 65-byte signature `r ‖ s ‖ v` as lower-case hex, checked canonical
 * (low s, v 27 or 28), so that L1 and the gossip accept it. Throws ATTESTATION_MALFORMED for a bad
 * attestation, ATTESTATION_SIGNATURE_INVALID when the signer returns something else.
 */
export async function signAttestation(wallet: AttestationSigner, domain: RangerDomain, att: Attestation): Promise<Hex> {
  const a = normalizeAttestation(att);
  const signature = (await wallet.signTypedData(ethersDomain(domain), types, value(a))).toLowerCase() as Hex;
  const signer = recoverSigner(domain, a, signature);
  if (typeof wallet.address === 'string' && wallet.address.toLowerCase() !== signer) {
    throw new MetisError('ATTESTATION_SIGNATURE_INVALID', { reason: `signed by ${signer}, not by the wallet ${wallet.address}` });
  }
  return signature;
}

/** secp256k1 group order. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;
const SIG_HEX = /^0x[0-9a-fA-F]{130}$/;

/** The parts of a canonical 65-byte signature; throws ATTESTATION_SIGNATURE_INVALID otherwise. */
export function parseSignature(signature: Hex | Uint8Array): { r: Hex; s: Hex; v: 27 | 28 } {
  const invalid = (reason: string): MetisError => new MetisError('ATTESTATION_SIGNATURE_INVALID', { reason });
  let hex: string;
  if (signature instanceof Uint8Array) {
    if (signature.length !== 65) throw invalid(`${signature.length} bytes, expected 65`);
    hex = Buffer.from(signature).toString('hex');
  } else {
    if (typeof signature !== 'string' || !SIG_HEX.test(signature)) throw invalid('expected 65 bytes of 0x hex (r ‖ s ‖ v)');
    hex = signature.slice(2).toLowerCase();
  }
  const r = BigInt(`0x${hex.slice(0, 64)}`);
  const s = BigInt(`0x${hex.slice(64, 128)}`);
  const v = parseInt(hex.slice(128, 130), 16);
  if (v !== 27 && v !== 28) throw invalid(`v is ${v}, expected 27 or 28`);
  if (r === 0n || r >= N) throw invalid('r out of range');
  if (s === 0n) throw invalid('s is zero');
  if (s > HALF_N) throw invalid('high s (not canonical)');
  return { r: `0x${hex.slice(0, 64)}`, s: `0x${hex.slice(64, 128)}`, v };
}

/**
 * The address (lower-case hex) that signed `att` under `domain`. Rejects, as OpenZeppelin's
 * `ECDSA.recover` does, anything but 65 bytes, v other than 27 or 28, high s, and signatures that recover no
 * key: ATTESTATION_SIGNATURE_INVALID (ATTESTATION_MALFORMED for a bad attestation).
 */
export function recoverSigner(domain: RangerDomain, att: Attestation, signature: Hex | Uint8Array): Hex {
  const sig = parseSignature(signature);
  const digest = attestationDigest(domain, att);
  try {
    return recoverAddress(digest, sig).toLowerCase() as Hex;
  } catch (e) {
    throw new MetisError('ATTESTATION_SIGNATURE_INVALID', { reason: `no key recovers: ${(e as Error).message}` }, { cause: e });
  }
}

/**
 * The signer when `a` and `b` are equivocation evidence (one key, same input, different output), else
 * undefined. Throws ATTESTATION_SIGNATURE_INVALID when a signature is invalid.
 */
export function equivocationSigner(domain: RangerDomain, a: SignedAttestation, b: SignedAttestation): Hex | undefined {
  if (!isEquivocation(a.attestation, b.attestation)) return undefined;
  const signer = recoverSigner(domain, a.attestation, a.signature);
  return recoverSigner(domain, b.attestation, b.signature) === signer ? signer : undefined;
}
