import type { Hex, Logger } from '@metis/core';
import type { CollectedAttestation } from '../gossip/index.js';
import { L1RangerView } from '../l1/l1-view.js';
import { revertName, type RangerL1 } from '../l1/ranger-l1.js';
import { reachesQuorum, tallyFor } from './quorum.js';

/** A batch finalized by a certificate this node submitted. */
export interface Certified {
  readonly batchIndex: bigint;
  readonly headerHash: Hex;
  readonly signers: number;
  readonly signedStake: bigint;
  readonly totalStake: bigint;
  /** Seconds from the batch's L1 append to the certificate's L1 block. */
  readonly secondsAfterAppend?: number;
  readonly l1Tx: string;
  readonly gasUsed: bigint;
}

export interface CertificateSubmitterDeps {
  readonly l1: RangerL1;
  readonly view: L1RangerView;
  readonly attestations: (batchIndex: bigint) => readonly CollectedAttestation[];
  readonly logger: Logger;
  /**
   * Milliseconds to wait once a quorum is there before submitting: 0 on the sequencer; a ranger waits, so that
   * it only submits when the sequencer did not (anyone may; a second certificate would only revert).
   */
  readonly delayMs: number;
  readonly onCertified?: (c: Certified) => void;
}

/**
 * Finalizes batches by quorum certificate, in order: for the lowest batch that is not final, once valid
 * attestations matching its header (both roots) carry two thirds of its snapshot stake, submits them sorted
 * by signer to RangerCertifier.submitCertificate. A batch under dispute (or disputed before) is left to its
 * challenge window. Call `tick` on every new attestation and now and then.
 */
export class CertificateSubmitter {
  private quorumSince = new Map<Hex, number>();
  private inFlight?: Hex;

  constructor(private readonly deps: CertificateSubmitterDeps) {}

  async tick(): Promise<void> {
    const { view, l1, logger } = this.deps;
    await view.refresh();
    const index = view.firstOpen;
    const posted = view.header(index);
    if (!posted || this.inFlight === posted.headerHash) return;
    const tally = tallyFor(this.deps.attestations(index), posted);
    if (!tally) return;
    const total = await view.totalStake(index);
    if (!reachesQuorum(tally.stake, total)) return;
    const since = this.quorumSince.get(posted.headerHash) ?? Date.now();
    this.quorumSince.set(posted.headerHash, since);
    if (Date.now() - since < this.deps.delayMs) return;
    const { status } = await l1.disputeStatus(index);
    if (status === 'open' || status === 'expired' || (await l1.isDisputed(index, posted.headerHash))) return;

    this.inFlight = posted.headerHash;
    try {
      const receipt = await l1.submitCertificate(L1RangerView.headerOf(posted), tally.signatures);
      const appendedAt = await view.appendedAt(index);
      const block = await l1.provider.getBlock(receipt.blockNumber);
      const certified: Certified = {
        batchIndex: index,
        headerHash: posted.headerHash,
        signers: tally.signers.length,
        signedStake: tally.stake,
        totalStake: total,
        ...(appendedAt !== undefined && block ? { secondsAfterAppend: block.timestamp - Number(appendedAt) } : {}),
        l1Tx: receipt.hash,
        gasUsed: receipt.gasUsed,
      };
      logger.info(
        { batch: index, signers: certified.signers, stake: `${tally.stake}/${total}`, afterAppend: certified.secondsAfterAppend, gasUsed: receipt.gasUsed, l1Tx: receipt.hash },
        'batch finalized by the rangers: quorum certificate accepted on L1',
      );
      this.deps.onCertified?.(certified);
      this.quorumSince.delete(posted.headerHash);
    } catch (e) {
      const name = revertName(e);
      // Someone else was first, or the batch became final or disputed meanwhile: nothing to do.
      if (name === 'BatchAlreadyFinal' || name === 'BatchChallenged' || name === 'WrongHeader' || name === 'BatchNotFound') {
        logger.debug({ batch: index, reason: name }, 'certificate not needed');
      } else {
        throw e;
      }
    } finally {
      this.inFlight = undefined;
    }
    for (const hash of this.quorumSince.keys()) if (this.quorumSince.size > 64) this.quorumSince.delete(hash);
  }
}
