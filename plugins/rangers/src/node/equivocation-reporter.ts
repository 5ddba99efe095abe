import type { Hex, Logger } from '@metis/core';
import type { EquivocationEvidence } from '../gossip/index.js';
import { revertName, type RangerL1 } from '../l1/ranger-l1.js';

/**
 * Sends equivocation evidence the gossip caught (two outputs signed by one key for one input) to
 * RangerDisputes.reportEquivocation, which slashes the signer's operator. Once per signer and input; evidence
 * someone else reported first is dropped.
 */
export class EquivocationReporter {
  private readonly queue: EquivocationEvidence[] = [];
  private readonly done = new Set<string>();

  constructor(
    private readonly l1: RangerL1,
    private readonly logger: Logger,
    private readonly onReported: (e: { signer: Hex; batchIndex: bigint; l1Tx: string }) => void = () => undefined,
  ) {}

  add(evidence: EquivocationEvidence): void {
    const key = this.keyOf(evidence);
    if (!this.done.has(key)) this.queue.push(evidence);
  }

  async tick(): Promise<void> {
    while (this.queue.length > 0) {
      const evidence = this.queue[0]!;
      const key = this.keyOf(evidence);
      const att = evidence.first.attestation;
      if (!this.done.has(key) && !(await this.l1.isReported(evidence.signer, att))) {
        try {
          const receipt = await this.l1.reportEquivocation(evidence.first, evidence.second);
          this.logger.warn({ signer: evidence.signer, batch: att.batchIndex, l1Tx: receipt.hash }, 'equivocation reported on L1: the ranger signed two outputs for one batch; its stake is slashed');
          this.onReported({ signer: evidence.signer, batchIndex: att.batchIndex, l1Tx: receipt.hash });
        } catch (e) {
          const name = revertName(e);
          if (name !== 'AlreadyReported' && name !== 'UnknownSigner') throw e;
        }
      }
      this.done.add(key);
      this.queue.shift();
    }
  }

  private keyOf(e: EquivocationEvidence): string {
    const a = e.first.attestation;
    return `${e.signer}:${a.batchIndex}:${a.prevStateRoot}:${a.dataHash}`;
  }
}
