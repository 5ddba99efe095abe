import type { Attestation } from './types.js';

const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Whether both attest the same input: equal chainId, batchIndex, prevStateRoot and dataHash. */
export function sameInput(a: Attestation, b: Attestation): boolean {
  return a.chainId === b.chainId && a.batchIndex === b.batchIndex && eq(a.prevStateRoot, b.prevStateRoot) && eq(a.dataHash, b.dataHash);
}

/** Whether both claim the same output: equal newStateRoot and withdrawalRoot. */
export function sameOutput(a: Attestation, b: Attestation): boolean {
  return eq(a.newStateRoot, b.newStateRoot) && eq(a.withdrawalRoot, b.withdrawalRoot);
}

/** Whether `a` and `b` are the same attestation (all six fields equal). */
export function sameAttestation(a: Attestation, b: Attestation): boolean {
  return sameInput(a, b) && sameOutput(a, b);
}

/**
 * Whether `a` and `b` conflict: same input, different output (newStateRoot or withdrawalRoot). Signed by one
 * key, such a pair is equivocation evidence (execution is deterministic). The signers are not checked here:
 * see `equivocationSigner`.
 */
export function isEquivocation(a: Attestation, b: Attestation): boolean {
  return sameInput(a, b) && !sameOutput(a, b);
}
