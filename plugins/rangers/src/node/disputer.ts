import type { Hex, Logger } from '@metis/core';
import type { BatchVerdict } from '@metis/l1';
import type { CollectedAttestation } from '../gossip/index.js';
import { L1RangerView } from '../l1/l1-view.js';
import { revertName, type RangerL1 } from '../l1/ranger-l1.js';
import { reachesQuorum, tallies } from './quorum.js';

export interface DisputerDeps {
  readonly l1: RangerL1;
  readonly view: L1RangerView;
  readonly attestations: (batchIndex: bigint) => readonly CollectedAttestation[];
  readonly logger: Logger;
  /** Wei posted with a challenge; 0 = the contract's minimum. Undefined: this node never challenges. */
  readonly bond?: bigint;
  /** Batches after the lowest open one that are checked for disputes each tick. */
  readonly scan?: number;
}

/** What the disputer did, for status and tests. */
export type DisputeEvent =
  | { readonly type: 'challenged'; readonly batchIndex: bigint; readonly headerHash: Hex; readonly l1Tx: string }
  | { readonly type: 'resolved'; readonly batchIndex: bigint; readonly headerHash: Hex; readonly upheld: boolean; readonly l1Tx: string }
  | { readonly type: 'expired'; readonly batchIndex: bigint; readonly l1Tx: string };

/**
 * State-root disputes, from a ranger's side: a batch whose re-execution here disagrees with its header is
 * challenged on L1 with a bond; every open dispute is resolved as soon as the attestations gossiped for the
 * batch give one output two thirds of its snapshot stake (the header's: the challenger loses; another: the
 * batch and the later ones are removed and the proposer slashed); a dispute whose vote window passed without
 * a quorum is expired (the batch then finalizes by its challenge window only).
 */
export class Disputer {
  private readonly disagreements = new Map<bigint, BatchVerdict>();

  constructor(
    private readonly deps: DisputerDeps,
    private readonly onEvent: (e: DisputeEvent) => void = () => undefined,
  ) {}

  /** A verdict of the replica: a disagreeing one is challenged at the next tick. */
  note(verdict: BatchVerdict): void {
    if (!verdict.agrees) this.disagreements.set(verdict.batch.batchIndex, verdict);
  }

  async tick(): Promise<void> {
    const { view } = this.deps;
    await view.refresh();
    await this.challengeDisagreements();
    const from = view.firstOpen;
    const to = view.count < from + BigInt(this.deps.scan ?? 32) ? view.count : from + BigInt(this.deps.scan ?? 32);
    for (let index = from; index < to; index++) await this.settle(index);
  }

  private async challengeDisagreements(): Promise<void> {
    const { view, l1, logger, bond } = this.deps;
    for (const [index, verdict] of this.disagreements) {
      const posted = view.header(index);
      // Replaced or removed since (the dispute was won), or final after all: nothing left to challenge.
      if (!posted || posted.headerHash !== verdict.batch.headerHash || view.isFinal(index)) {
        this.disagreements.delete(index);
        continue;
      }
      if (bond === undefined) continue;
      const { status } = await l1.disputeStatus(index);
      if (status !== 'none' && status !== 'stale') continue;
      const value = bond > 0n ? bond : await l1.minChallengeBond();
      try {
        const receipt = await l1.challenge(L1RangerView.headerOf(posted), value);
        logger.warn({ batch: index, posted: posted.newStateRoot, computed: verdict.computed.stateRoot, bond: value, l1Tx: receipt.hash }, 'batch challenged on L1: its re-execution here disagrees with its header');
        this.onEvent({ type: 'challenged', batchIndex: index, headerHash: posted.headerHash, l1Tx: receipt.hash });
      } catch (e) {
        const name = revertName(e);
        if (name === 'DisputeAlreadyOpen' || name === 'AlreadyDisputed' || name === 'BatchAlreadyFinal') continue;
        if (name === 'ChallengeWindowClosed') {
          logger.error({ batch: index }, 'too late to challenge: the batch is past its challenge window');
          this.disagreements.delete(index);
          continue;
        }
        throw e;
      }
    }
  }

  /** Resolves or expires the open dispute of batch `index`, if there is one and it can be. */
  private async settle(index: bigint): Promise<void> {
    const { view, l1, logger } = this.deps;
    const { status, deadline } = await l1.disputeStatus(index);
    if (status !== 'open' && status !== 'expired') return;
    const posted = view.header(index);
    if (!posted) return;
    if (status === 'expired') {
      try {
        const receipt = await l1.expire(index);
        logger.warn({ batch: index, deadline }, 'dispute expired without a two-thirds vote: the batch can only finalize by its challenge window');
        this.onEvent({ type: 'expired', batchIndex: index, l1Tx: receipt.hash });
      } catch (e) {
        if (revertName(e) !== 'NoOpenDispute' && revertName(e) !== 'VoteWindowOpen') throw e;
      }
      return;
    }
    const total = await view.totalStake(index);
    const winner = tallies(this.deps.attestations(index)).find((t) => reachesQuorum(t.stake, total));
    if (!winner) return;
    const upheld = winner.attestation.newStateRoot === posted.newStateRoot && winner.attestation.withdrawalRoot === posted.withdrawalRoot;
    try {
      const receipt = await l1.resolve(L1RangerView.headerOf(posted), winner.attestation, winner.signatures);
      logger.warn(
        { batch: index, upheld, stake: `${winner.stake}/${total}`, signers: winner.signers.length, l1Tx: receipt.hash },
        upheld ? 'dispute resolved: two thirds of the rangers agree with the batch; the challenger lost its bond' : 'dispute resolved: two thirds of the rangers computed another state; the batch and later ones are removed and the proposer slashed',
      );
      this.onEvent({ type: 'resolved', batchIndex: index, headerHash: posted.headerHash, upheld, l1Tx: receipt.hash });
    } catch (e) {
      const name = revertName(e);
      if (name === 'NoOpenDispute' || name === 'DisputeStale' || name === 'VoteWindowClosed' || name === 'WrongHeader' || name === 'BatchNotFound') return;
      throw e;
    }
  }
}
