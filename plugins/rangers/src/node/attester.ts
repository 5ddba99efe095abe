import { isMetisError, type Hex, type Logger } from '@metis/core';
import type { BatchVerdict } from '@metis/l1';
import { signAttestation, type Attestation, type AttestationSigner, type RangerDomain, type SignedAttestation } from '../attestation/index.js';
import type { SignedLog } from './signed-log.js';

/** What the attester publishes through (the gossip). */
export interface AttestationPublisher {
  publish(signed: SignedAttestation): Promise<unknown>;
}

export interface AttesterDeps {
  readonly l2ChainId: bigint;
  readonly domain: RangerDomain;
  readonly signer: AttestationSigner & { readonly address: string };
  readonly log: SignedLog;
  readonly gossip: AttestationPublisher;
  readonly logger: Logger;
  /** Whether batch `index` is final on L1 (its attestation need not be sent again). */
  readonly isFinal: (index: bigint) => boolean;
}

/** The attestation of what re-executing a batch gave (the roots this node computed, not the header's). */
export function attestationOf(l2ChainId: bigint, verdict: BatchVerdict): Attestation {
  const { batch, computed } = verdict;
  return {
    chainId: l2ChainId,
    batchIndex: batch.batchIndex,
    prevStateRoot: batch.prevStateRoot,
    newStateRoot: computed.stateRoot,
    dataHash: batch.dataHash,
    withdrawalRoot: computed.withdrawalRoot,
  };
}

/**
 * A ranger's signing duty: every batch verdict of the replica (agreeing with the header or not) is signed as
 * an attestation of the roots computed here, recorded in the slashing-protection log, then gossiped. An input
 * signed before is never signed with another output (the log refuses); the same attestation is sent again
 * (`republish`) until its batch is final, for peers that connected late.
 */
export class Attester {
  private readonly recent = new Map<bigint, SignedAttestation>();

  constructor(private readonly deps: AttesterDeps) {}

  get address(): Hex {
    return this.deps.signer.address.toLowerCase() as Hex;
  }

  /** Signs and publishes the attestation of `verdict`; undefined when slashing protection refused it. */
  async attest(verdict: BatchVerdict): Promise<SignedAttestation | undefined> {
    const { domain, signer, log, logger } = this.deps;
    const attestation = attestationOf(this.deps.l2ChainId, verdict);
    if (!log.check(attestation)) {
      logger.error({ batch: attestation.batchIndex, computed: attestation.newStateRoot, signedBefore: log.previous(attestation)?.attestation.newStateRoot }, 'not signing: this ranger attested another output for this batch before (slashing protection)');
      return undefined;
    }
    const signed = log.previous(attestation) ?? { attestation, signature: await signAttestation(signer, domain, attestation) };
    await log.record(signed);
    this.recent.set(attestation.batchIndex, signed);
    for (const i of this.recent.keys()) if (i + 256n < attestation.batchIndex) this.recent.delete(i);
    logger.info({ batch: attestation.batchIndex, agrees: verdict.agrees, stateRoot: attestation.newStateRoot }, verdict.agrees ? 'batch attested' : 'batch attested with the roots computed here, which differ from its header');
    this.send(signed);
    return signed;
  }

  /** Publishes again the attestations of batches that are not final yet (gossipsub drops exact repeats it has seen). */
  republish(): void {
    for (const [index, signed] of this.recent) {
      if (this.deps.isFinal(index)) this.recent.delete(index);
      else this.send(signed);
    }
  }

  /** The attestation this ranger signed for batch `index` (recent ones). */
  signed(index: bigint): SignedAttestation | undefined {
    return this.recent.get(index);
  }

  private send(signed: SignedAttestation): void {
    const index = signed.attestation.batchIndex;
    this.deps.gossip.publish(signed).catch((e: unknown) => {
      // Peers would reject it (no stake at the batch's snapshot, batch final already): sending it again is no use.
      if (isMetisError(e, 'RANGER_ATTESTATION_REJECTED')) {
        this.recent.delete(index);
        this.deps.logger.info({ batch: index, reason: (e as Error).message }, 'attestation kept but not gossiped: peers would not count it');
        return;
      }
      this.deps.logger.warn({ batch: index, err: e }, 'attestation not published yet; it is sent again later');
    });
  }
}
