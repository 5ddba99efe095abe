import { createHash } from 'node:crypto';
import { isMetisError, type Hex } from '@metis/core';
import { decodeAttestation } from '../attestation/codec.js';
import { sameAttestation } from '../attestation/compare.js';
import { recoverSigner, type RangerDomain } from '../attestation/eip712.js';
import type { SignedAttestation } from '../attestation/types.js';
import type { AttestationView, BatchView } from './view.js';

/** Why a message was rejected: the peer that sent it is penalised. */
export type RejectReason = 'malformed' | 'wrong-chain' | 'bad-signature' | 'unstaked' | 'wrong-input' | 'stale' | 'equivocation';
/** Why a message was ignored: dropped without relay, nobody penalised. */
export type IgnoreReason = 'duplicate' | 'unknown-batch' | 'view-error';

/** A valid attestation collected for a batch. */
export interface CollectedAttestation extends SignedAttestation {
  /** The recovered signer (lower-case hex). */
  readonly signer: Hex;
  /** The signer's operator's stake at the batch's snapshot, as the view gave it. */
  readonly stake: bigint;
  /** The 234-byte wire message. */
  readonly bytes: Uint8Array;
  /** The gossipsub message id: sha256 of the bytes, hex. */
  readonly msgId: string;
  /** When this node accepted it (ms since the epoch). */
  readonly receivedAt: number;
}

/** Two attestations of one signer for the same input with different outputs: slashable evidence. */
export interface EquivocationEvidence {
  readonly signer: Hex;
  /** The attestation this node accepted first. */
  readonly first: SignedAttestation;
  /** The conflicting one. */
  readonly second: SignedAttestation;
  readonly detectedAt: number;
}

export type Verdict =
  | { readonly result: 'accept'; readonly attestation: CollectedAttestation }
  | { readonly result: 'reject'; readonly reason: RejectReason; readonly detail: string; readonly signer?: Hex; readonly batchIndex?: bigint; readonly evidence?: EquivocationEvidence }
  | { readonly result: 'ignore'; readonly reason: IgnoreReason; readonly detail: string; readonly signer?: Hex; readonly batchIndex?: bigint };

export interface AttestationPoolOptions {
  readonly l2ChainId: bigint;
  readonly domain: RangerDomain;
  readonly view: AttestationView;
  /** Batches whose attestations are kept (the highest indices). Default 256. */
  readonly maxBatches?: number;
  /** Equivocation evidence kept (one per signer, the oldest dropped first). Default 64. */
  readonly maxEvidence?: number;
}

interface BatchEntry {
  readonly prevStateRoot: Hex;
  readonly dataHash: Hex;
  readonly bySigner: Map<Hex, CollectedAttestation>;
}

/** sha256 of the message bytes: the gossipsub message id. */
export function messageId(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

const hexId = (bytes: Uint8Array): string => Buffer.from(messageId(bytes)).toString('hex');

/**
 * The attestations of one L2 chain a ranger has accepted, with the rules that judge a new one (the topic
 * validator's logic, without the network): decode strictly, this chain, a canonical signature that
 * recovers, a batch the view can see (else ignored), not final, the batch's input, a signer with stake at
 * the batch's snapshot, and no other output from the same signer (else equivocation evidence).
 * Memory is bounded: attestations of the `maxBatches` highest batches, `maxEvidence` pieces of evidence.
 */
export class AttestationPool {
  readonly l2ChainId: bigint;
  readonly #domain: RangerDomain;
  readonly #view: AttestationView;
  readonly #maxBatches: number;
  readonly #maxEvidence: number;
  readonly #batches = new Map<bigint, BatchEntry>();
  /** Message ids of accepted attestations → their batch. */
  readonly #accepted = new Map<string, bigint>();
  /** Evidence by signer, in insertion order. */
  readonly #evidence = new Map<Hex, EquivocationEvidence>();

  constructor(options: AttestationPoolOptions) {
    this.l2ChainId = options.l2ChainId;
    this.#domain = options.domain;
    this.#view = options.view;
    this.#maxBatches = Math.max(1, options.maxBatches ?? 256);
    this.#maxEvidence = Math.max(1, options.maxEvidence ?? 64);
  }

  /**
   * Judges the wire message `bytes` and, when valid, keeps it. With `local` (our own attestation, before we
   * publish it) an equivocation is reported but not recorded as evidence.
   */
  async judge(bytes: Uint8Array, options: { local?: boolean } = {}): Promise<Verdict> {
    let signed: SignedAttestation;
    try {
      signed = decodeAttestation(bytes);
    } catch (e) {
      const reason = isMetisError(e, 'ATTESTATION_SIGNATURE_INVALID') ? 'bad-signature' : 'malformed';
      return { result: 'reject', reason, detail: (e as Error).message };
    }
    const a = signed.attestation;
    const batchIndex = a.batchIndex;
    if (a.chainId !== this.l2ChainId) return { result: 'reject', reason: 'wrong-chain', detail: `chain ${a.chainId}, this topic is chain ${this.l2ChainId}`, batchIndex };
    const msgId = hexId(bytes);
    if (this.#accepted.has(msgId)) return { result: 'ignore', reason: 'duplicate', detail: 'already accepted', batchIndex };
    let signer: Hex;
    try {
      signer = recoverSigner(this.#domain, a, signed.signature);
    } catch (e) {
      return { result: 'reject', reason: 'bad-signature', detail: (e as Error).message, batchIndex };
    }
    let batch: BatchView | undefined;
    let stake: bigint;
    try {
      batch = await this.#view.batch(batchIndex);
      if (batch === undefined) return { result: 'ignore', reason: 'unknown-batch', detail: `batch ${batchIndex} not visible on L1 yet`, signer, batchIndex };
      if (batch.final) return { result: 'reject', reason: 'stale', detail: `batch ${batchIndex} is final`, signer, batchIndex };
      if (a.prevStateRoot !== batch.prevStateRoot.toLowerCase() || a.dataHash !== batch.dataHash.toLowerCase()) {
        return { result: 'reject', reason: 'wrong-input', detail: `not the input of batch ${batchIndex} on L1 (prevStateRoot or dataHash differ)`, signer, batchIndex };
      }
      stake = await this.#view.stakeOf(signer, batchIndex);
    } catch (e) {
      return { result: 'ignore', reason: 'view-error', detail: (e as Error).message, signer, batchIndex };
    }
    if (!(stake > 0n)) return { result: 'reject', reason: 'unstaked', detail: `signer ${signer} has no stake at the snapshot of batch ${batchIndex}`, signer, batchIndex };

    // from here on, synchronous: concurrent judgements of one signer cannot interleave
    if (this.#accepted.has(msgId)) return { result: 'ignore', reason: 'duplicate', detail: 'already accepted', batchIndex };
    const entry = this.#entry(batchIndex, batch);
    const existing = entry.bySigner.get(signer);
    if (existing) {
      if (sameAttestation(existing.attestation, a)) return { result: 'ignore', reason: 'duplicate', detail: 'same attestation, other signature bytes', signer, batchIndex };
      // same input (both are the batch's), other output: equivocation
      const evidence: EquivocationEvidence = {
        signer,
        first: { attestation: existing.attestation, signature: existing.signature },
        second: signed,
        detectedAt: Date.now(),
      };
      const detail = `signer ${signer} already attested another output for batch ${batchIndex}`;
      if (options.local) return { result: 'reject', reason: 'equivocation', detail, signer, batchIndex };
      const recorded = this.#recordEvidence(evidence);
      return { result: 'reject', reason: 'equivocation', detail, signer, batchIndex, ...(recorded ? { evidence } : {}) };
    }
    const collected: CollectedAttestation = { ...signed, signer, stake, bytes: new Uint8Array(bytes), msgId, receivedAt: Date.now() };
    entry.bySigner.set(signer, collected);
    this.#accepted.set(msgId, batchIndex);
    this.#evict();
    return { result: 'accept', attestation: collected };
  }

  /** The valid attestations kept for `batchIndex`, by signer address ascending (the order certificates need). */
  attestations(batchIndex: bigint): CollectedAttestation[] {
    const entry = this.#batches.get(batchIndex);
    if (!entry) return [];
    return [...entry.bySigner.values()].sort((x, y) => (x.signer < y.signer ? -1 : x.signer > y.signer ? 1 : 0));
  }

  /** Indices of the batches with attestations kept, ascending. */
  batches(): bigint[] {
    return [...this.#batches.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  }

  /** The equivocation evidence kept, oldest first. */
  equivocations(): EquivocationEvidence[] {
    return [...this.#evidence.values()];
  }

  /** Drops the attestations of batches below `batchIndex` (final ones, for instance). */
  pruneBelow(batchIndex: bigint): void {
    for (const index of [...this.#batches.keys()]) if (index < batchIndex) this.#drop(index);
  }

  #entry(index: bigint, batch: BatchView): BatchEntry {
    const prevStateRoot = batch.prevStateRoot.toLowerCase() as Hex;
    const dataHash = batch.dataHash.toLowerCase() as Hex;
    let entry = this.#batches.get(index);
    if (entry && (entry.prevStateRoot !== prevStateRoot || entry.dataHash !== dataHash)) {
      // the batch at this index changed on L1 (removed, another appended): what was collected is obsolete
      this.#drop(index);
      entry = undefined;
    }
    if (!entry) {
      entry = { prevStateRoot, dataHash, bySigner: new Map() };
      this.#batches.set(index, entry);
    }
    return entry;
  }

  #drop(index: bigint): void {
    const entry = this.#batches.get(index);
    if (!entry) return;
    for (const c of entry.bySigner.values()) this.#accepted.delete(c.msgId);
    this.#batches.delete(index);
  }

  #evict(): void {
    if (this.#batches.size <= this.#maxBatches) return;
    const sorted = this.batches();
    for (const index of sorted.slice(0, sorted.length - this.#maxBatches)) this.#drop(index);
  }

  #recordEvidence(evidence: EquivocationEvidence): boolean {
    if (this.#evidence.has(evidence.signer)) return false; // one piece per signer slashes its whole stake
    this.#evidence.set(evidence.signer, evidence);
    while (this.#evidence.size > this.#maxEvidence) this.#evidence.delete(this.#evidence.keys().next().value as Hex);
    return true;
  }
}
