import type { Hex } from '@metis/core';
import { Wallet, keccak256, toUtf8Bytes } from 'ethers';
import { encodeAttestation } from '../attestation/codec.js';
import { signAttestation, type RangerDomain } from '../attestation/eip712.js';
import type { Attestation, SignedAttestation } from '../attestation/types.js';
import type { MemoryAttestationView } from './memory-view.js';

/** A deterministic 32-byte value from a label. */
export const word = (label: string): Hex => keccak256(toUtf8Bytes(label)) as Hex;

/** A deterministic wallet from a label. */
export const walletOf = (label: string): Wallet => new Wallet(word(`wallet:${label}`));

/** The input of test batch `index`: prevStateRoot and dataHash derived from the index. */
export function batchInput(index: bigint): { prevStateRoot: Hex; dataHash: Hex } {
  return { prevStateRoot: word(`prev:${index}`), dataHash: word(`data:${index}`) };
}

/** The attestation of test batch `index` on chain `chainId` with output `output` (a label). */
export function attestationOf(chainId: bigint, index: bigint, output = 'honest'): Attestation {
  return { chainId, batchIndex: index, ...batchInput(index), newStateRoot: word(`post:${index}:${output}`), withdrawalRoot: word(`wd:${index}:${output}`) };
}

export async function signed(wallet: Wallet, domain: RangerDomain, att: Attestation): Promise<SignedAttestation> {
  return { attestation: att, signature: await signAttestation(wallet, domain, att) };
}

export async function wire(wallet: Wallet, domain: RangerDomain, att: Attestation): Promise<Uint8Array> {
  return encodeAttestation(await signed(wallet, domain, att));
}

/** Puts test batches `indices` in the view (not final, snapshot = index). */
export function withBatches(view: MemoryAttestationView, indices: readonly bigint[]): MemoryAttestationView {
  for (const i of indices) view.setBatch(i, { ...batchInput(i), snapshot: i });
  return view;
}
