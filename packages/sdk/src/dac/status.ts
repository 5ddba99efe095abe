/** A commitment's status (DacCommitments.Status), by name. */
export type CommitmentStatus = 'None' | 'Open' | 'Delivered' | 'Challenged' | 'Kept' | 'Failed' | 'Slashed';

/** The status names in the order of the Solidity enum (index = on-chain value). */
export const COMMITMENT_STATUSES: readonly CommitmentStatus[] = Object.freeze(['None', 'Open', 'Delivered', 'Challenged', 'Kept', 'Failed', 'Slashed']);

/** The statuses of an unresolved commitment. */
export const OPEN_COMMITMENT_STATUSES: readonly CommitmentStatus[] = Object.freeze(['Open', 'Delivered', 'Challenged']);

/** The name of an on-chain status value (`Unknown(9)` for a value the sdk does not know). */
export function commitmentStatusName(value: bigint | number): CommitmentStatus | `Unknown(${string})` {
  return COMMITMENT_STATUSES[Number(value)] ?? `Unknown(${value})`;
}

/**
 * A proposal's state, derived from its record and the latest block's time:
 * `Active` (voting), `Defeated` (vote over, quorum or majority missed), `Queued` (passed, waiting for the
 * execution delay), `Executable` (passed, executable now), `Executed`.
 */
export type ProposalState = 'Active' | 'Defeated' | 'Queued' | 'Executable' | 'Executed';
