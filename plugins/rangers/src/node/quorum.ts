import type { Hex } from '@metis/core';
import type { Attestation } from '../attestation/index.js';

/** What the quorum math needs of a collected attestation. */
export interface Vote {
  readonly attestation: Attestation;
  readonly signature: Hex;
  readonly signer: Hex;
  readonly stake: bigint;
}

/** The votes for one output of a batch: the signatures sorted by signer address, as the contracts take them. */
export interface Tally {
  readonly attestation: Attestation;
  readonly signers: Hex[];
  readonly signatures: Hex[];
  readonly stake: bigint;
}

const outputKey = (a: Attestation): string => `${a.newStateRoot}:${a.withdrawalRoot}`;

/** Two thirds of the stake, as the contracts count it: signed * 3 >= total * 2, with some stake at all. */
export function reachesQuorum(stake: bigint, total: bigint): boolean {
  return total > 0n && stake * 3n >= total * 2n;
}

/** Groups votes by output (one vote per signer; signers without stake left out), heaviest first. */
export function tallies(votes: readonly Vote[]): Tally[] {
  const groups = new Map<string, Map<Hex, Vote>>();
  for (const v of votes) {
    if (v.stake <= 0n) continue;
    const key = outputKey(v.attestation);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = new Map()));
    group.set(v.signer.toLowerCase() as Hex, v);
  }
  const out: Tally[] = [];
  for (const group of groups.values()) {
    const sorted = [...group.values()].sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
    out.push({
      attestation: sorted[0]!.attestation,
      signers: sorted.map((v) => v.signer.toLowerCase() as Hex),
      signatures: sorted.map((v) => v.signature),
      stake: sorted.reduce((s, v) => s + v.stake, 0n),
    });
  }
  return out.sort((a, b) => (a.stake > b.stake ? -1 : a.stake < b.stake ? 1 : 0));
}

/** The tally of the output that matches `header` (both roots), if any vote for it. */
export function tallyFor(votes: readonly Vote[], header: { newStateRoot: Hex; withdrawalRoot: Hex }): Tally | undefined {
  return tallies(votes).find((t) => t.attestation.newStateRoot === header.newStateRoot.toLowerCase() && t.attestation.withdrawalRoot === header.withdrawalRoot.toLowerCase());
}
