import type { Hex } from '@metis/core';

/** What the gossip needs to know about one batch on L1 to judge an attestation of it. */
export interface BatchView {
  /** The header's prevStateRoot: with dataHash, the input an attestation must name. */
  readonly prevStateRoot: Hex;
  /** The header's dataHash (keccak256 of the batch data). */
  readonly dataHash: Hex;
  /** Final on L1 (challenge window over, or certified): attestations of it are stale. */
  readonly final: boolean;
  /** The batch's stake snapshot: the L1 timestamp `appendedAt - 1` that RangerRegistry.stakeAt/quorumAt take. */
  readonly snapshot: bigint;
}

/**
 * The gossip's view of L1, injected: the L1-backed implementation reads the BatchInbox and the
 * RangerRegistry (ideally from a cache kept current by events, since gossipsub wants validators to answer
 * in well under 100 ms); `MemoryAttestationView` (src/testing) is the in-memory one of the tests.
 * A call that throws makes the message ignored (not relayed, nobody penalised) and retried later.
 */
export interface AttestationView {
  /** The batch at `index` of the gossip's L2 chain, or undefined while this node cannot see it on L1 yet. */
  batch(index: bigint): BatchView | undefined | Promise<BatchView | undefined>;
  /**
   * The effective stake of the operator of `signer` at the snapshot of batch `batchIndex`
   * (`RangerRegistry.quorumAt(chainId, [signer], snapshot)`); 0 for an unknown signer or no stake.
   */
  stakeOf(signer: Hex, batchIndex: bigint): bigint | Promise<bigint>;
}
