import type { Hex, Logger } from '@metis/core';
import type { CollectedAttestation } from '../gossip/index.js';
import { L1RangerView } from '../l1/l1-view.js';
import { revertName, type RangerL1 } from '../l1/ranger-l1.js';
import type { PostedBatch } from '@metis/l1';
import { reachesQuorum, tallyFor, type Tally } from './quorum.js';

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

/** Most batches one L1 transaction certifies (`submitCertificates`), to drain a backlog quickly. */
export const MAX_CERTIFICATES_PER_TX = 16;

interface Ready {
  readonly posted: PostedBatch;
  readonly tally: Tally;
  readonly total: bigint;
}

/**
 * Finalizes batches by quorum certificate, in order: from the lowest batch that is not final, every batch
 * whose valid attestations matching its header (both roots) carry two thirds of its snapshot stake is
 * certified, up to the first one that is not ready; one batch with `submitCertificate`, several (a backlog,
 * after an outage) in one transaction with `submitCertificates`. A batch under dispute (or disputed before)
 * is left to its challenge window. Call `tick` on every new attestation and now and then.
 */
export class CertificateSubmitter {
  private quorumSince = new Map<Hex, number>();

  constructor(private readonly deps: CertificateSubmitterDeps) {}

  async tick(): Promise<void> {
    const { view, l1, logger } = this.deps;
    await view.refresh();
    const ready = await this.readyBatches();
    if (ready.length === 0) return;
    const first = ready[0]!.posted.batchIndex;
    try {
      const receipt =
        ready.length === 1
          ? await l1.submitCertificate(L1RangerView.headerOf(ready[0]!.posted), ready[0]!.tally.signatures)
          : await l1.submitCertificates(
              ready.map((r) => L1RangerView.headerOf(r.posted)),
              ready.map((r) => r.tally.signatures),
            );
      const block = await l1.provider.getBlock(receipt.blockNumber);
      for (const r of ready) {
        const appendedAt = await view.appendedAt(r.posted.batchIndex);
        const certified: Certified = {
          batchIndex: r.posted.batchIndex,
          headerHash: r.posted.headerHash,
          signers: r.tally.signers.length,
          signedStake: r.tally.stake,
          totalStake: r.total,
          ...(appendedAt !== undefined && block ? { secondsAfterAppend: block.timestamp - Number(appendedAt) } : {}),
          l1Tx: receipt.hash,
          gasUsed: receipt.gasUsed,
        };
        this.quorumSince.delete(r.posted.headerHash);
        this.deps.onCertified?.(certified);
      }
      const last = ready[ready.length - 1]!;
      logger.info(
        {
          batch: ready.length === 1 ? first : `${first}-${last.posted.batchIndex}`,
          signers: last.tally.signers.length,
          stake: `${last.tally.stake}/${last.total}`,
          gasUsed: receipt.gasUsed,
          l1Tx: receipt.hash,
        },
        ready.length === 1 ? 'batch finalized by the rangers: quorum certificate accepted on L1' : `${ready.length} batches finalized by the rangers: quorum certificates accepted on L1`,
      );
    } catch (e) {
      const name = revertName(e);
      // Someone else was first, or the batch became final or disputed meanwhile: nothing to do.
      if (name === 'BatchAlreadyFinal' || name === 'BatchChallenged' || name === 'WrongHeader' || name === 'BatchNotFound') {
        logger.debug({ batch: first, reason: name }, 'certificate not needed');
      } else {
        throw e;
      }
    }
    if (this.quorumSince.size > 256) this.quorumSince.clear();
  }

  /** The consecutive batches from the lowest open one whose certificate can be submitted now. */
  private async readyBatches(): Promise<Ready[]> {
    const { view, l1 } = this.deps;
    const ready: Ready[] = [];
    for (let index = view.firstOpen; index < view.count && ready.length < MAX_CERTIFICATES_PER_TX; index++) {
      const posted = view.header(index);
      if (!posted) break;
      const tally = tallyFor(this.deps.attestations(index), posted);
      if (!tally) break;
      const total = await view.totalStake(index);
      if (!reachesQuorum(tally.stake, total)) break;
      const since = this.quorumSince.get(posted.headerHash) ?? Date.now();
      this.quorumSince.set(posted.headerHash, since);
      if (Date.now() - since < this.deps.delayMs) break;
      const { status } = await l1.disputeStatus(index);
      if (status === 'open' || status === 'expired' || (await l1.isDisputed(index, posted.headerHash))) break;
      ready.push({ posted, tally, total });
    }
    return ready;
  }
}
