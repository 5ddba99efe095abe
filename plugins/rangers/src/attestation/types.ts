import { MetisError, type Hex } from '@metis/core';

/**
 * What a ranger signs about one batch (EIP-712 `Attestation`, see `ATTESTATION_TYPES`). `chainId`,
 * `batchIndex`, `prevStateRoot` and `dataHash` identify the input (the batch on L1); `newStateRoot` and
 * `withdrawalRoot` are the output the signer computed by re-executing it.
 */
export interface Attestation {
  /** The L2 chain id. */
  readonly chainId: bigint;
  readonly batchIndex: bigint;
  readonly prevStateRoot: Hex;
  readonly newStateRoot: Hex;
  /** keccak256 of the batch data: the header's data commitment. */
  readonly dataHash: Hex;
  readonly withdrawalRoot: Hex;
}

/** An attestation with its 65-byte signature `r ‖ s ‖ v` (v 27 or 28, low s), as 0x hex. */
export interface SignedAttestation {
  readonly attestation: Attestation;
  readonly signature: Hex;
}

export const UINT256_MAX = (1n << 256n) - 1n;
export const UINT64_MAX = (1n << 64n) - 1n;
export const ROOT_FIELDS = ['prevStateRoot', 'newStateRoot', 'dataHash', 'withdrawalRoot'] as const;

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

const malformed = (reason: string): MetisError => new MetisError('ATTESTATION_MALFORMED', { reason });

/**
 * The attestation with its fields checked (integers in range, roots 32 bytes of hex) and its hex in lower
 * case, the form every function of this package returns. Throws ATTESTATION_MALFORMED.
 */
export function normalizeAttestation(att: Attestation): Attestation {
  if (att === null || typeof att !== 'object') throw malformed('not an object');
  if (typeof att.chainId !== 'bigint' || att.chainId < 0n || att.chainId > UINT256_MAX) throw malformed('chainId must be a uint256 bigint');
  if (typeof att.batchIndex !== 'bigint' || att.batchIndex < 0n || att.batchIndex > UINT64_MAX) throw malformed('batchIndex must be a uint64 bigint');
  const roots = {} as Record<(typeof ROOT_FIELDS)[number], Hex>;
  for (const f of ROOT_FIELDS) {
    const v = att[f];
    if (typeof v !== 'string' || !BYTES32.test(v)) throw malformed(`${f} must be 32 bytes of 0x hex`);
    roots[f] = v.toLowerCase() as Hex;
  }
  return { chainId: att.chainId, batchIndex: att.batchIndex, ...roots };
}
