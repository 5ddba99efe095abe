import { Contract, Interface, ZeroAddress, isError, type Provider, type TransactionReceipt } from 'ethers';
import { loadArtifact } from '@metis/contracts';
import type { Hex } from '@metis/core';
import type { BatchHeader } from '@metis/l1';
import type { Attestation, SignedAttestation } from '../attestation/index.js';

/** Where the ranger contracts and the BatchInbox are on L1. */
export interface RangerAddresses {
  readonly registry: Hex;
  readonly certifier: Hex;
  readonly disputes: Hex;
  readonly inbox: Hex;
}

/** Sends one L1 transaction and resolves with its receipt once confirmed (the TxSender's job). */
export type SendL1 = (request: { to: Hex; data: Hex; value?: bigint; gasLimit?: bigint }, action: string) => Promise<TransactionReceipt>;

/**
 * Gas added to the estimate of transactions that move stake: the registry's timestamp-keyed checkpoints are
 * updated in place within one L1 second but take a new storage slot in the next, so a transaction estimated
 * in the second of a stake change and mined in a later one needs about 45,000 more.
 */
const CHECKPOINT_GAS_PAD = 60_000n;

/** The chain's ranger settings on L1 (`configured` false until the chain owner set them). */
export interface StakeConfig {
  readonly configured: boolean;
  readonly stakeToken: Hex;
  readonly minStake: bigint;
  readonly unbondingDelay: bigint;
}

export interface RangerInfo {
  readonly operator: Hex;
  readonly signer: Hex;
  /** Its libp2p address as registered: a multiaddr ending in `/p2p/<peer id>`, or a bare peer id. */
  readonly peerId: string;
  readonly stake: bigint;
  readonly unbonding: bigint;
  readonly availableAt: bigint;
}

/** What the inbox keeps of a batch, as the rangers need it. */
export interface StoredBatchInfo {
  readonly headerHash: Hex;
  readonly appendedAt: bigint;
  readonly newStateRoot: Hex;
  readonly withdrawalRoot: Hex;
}

export type DisputeStatus = 'none' | 'open' | 'expired' | 'stale';
const DISPUTE_STATUS: readonly DisputeStatus[] = ['none', 'open', 'expired', 'stale'];

export interface Quorum {
  /** Operator of each signer asked (zero address for an unknown signer). */
  readonly operators: Hex[];
  /** Effective stake of each signer's operator at the snapshot. */
  readonly stakes: bigint[];
  /** Total effective stake of the chain at the snapshot. */
  readonly total: bigint;
}

const abi = (name: string): Interface => new Interface(loadArtifact(name).abi as never);
const lower = (s: string): Hex => s.toLowerCase() as Hex;

/** Every custom error of the ranger contracts and the inbox, to name reverts (TxSender `errorInterface`). */
export function rangerErrorInterface(): Interface {
  const fragments = ['RangerRegistry', 'RangerCertifier', 'RangerDisputes', 'BatchInbox', 'BondManager'].flatMap((n) => loadArtifact(n).abi.filter((f) => f.type === 'error'));
  return new Interface([...new Map(fragments.map((f) => [JSON.stringify(f), f])).values()] as never);
}

/** The custom error an L1 call or transaction reverted with (TxSender's L1_TX_FAILED data, or an ethers CALL_EXCEPTION). */
export function revertName(e: unknown): string | undefined {
  const data = (e as { data?: { errorName?: unknown } })?.data;
  if (typeof data?.errorName === 'string') return data.errorName;
  if (isError(e, 'CALL_EXCEPTION')) {
    if (e.revert?.name) return e.revert.name;
    if (typeof e.data === 'string' && e.data.length >= 10) return (errors ??= rangerErrorInterface()).parseError(e.data)?.name;
  }
  return undefined;
}
let errors: Interface | undefined;

/**
 * The rangers' side of L1 for one L2 chain: reads of the RangerRegistry, RangerCertifier, RangerDisputes and
 * BatchInbox, and the transactions a ranger or a sequencer sends (through `send`, absent on a read-only node).
 */
export class RangerL1 {
  readonly registry: Contract;
  readonly certifier: Contract;
  readonly disputes: Contract;
  readonly inbox: Contract;

  constructor(
    readonly provider: Provider,
    readonly addresses: RangerAddresses,
    readonly chainId: bigint,
    private readonly send?: SendL1,
    /** The sending address (to estimate transactions that need padding). */
    private readonly from?: string,
  ) {
    this.registry = new Contract(addresses.registry, abi('RangerRegistry'), provider);
    this.certifier = new Contract(addresses.certifier, abi('RangerCertifier'), provider);
    this.disputes = new Contract(addresses.disputes, abi('RangerDisputes'), provider);
    this.inbox = new Contract(addresses.inbox, abi('BatchInbox'), provider);
  }

  get canSend(): boolean {
    return this.send !== undefined;
  }

  async stakeConfig(): Promise<StakeConfig> {
    const configured = (await this.registry.getFunction('isConfigured')(this.chainId)) as boolean;
    const c = (await this.registry.getFunction('chainConfig')(this.chainId)) as { stakeToken: string; minStake: bigint; unbondingDelay: bigint };
    return { configured, stakeToken: lower(c.stakeToken), minStake: c.minStake, unbondingDelay: BigInt(c.unbondingDelay) };
  }

  /** Operators ever registered on this chain, in registration order. */
  async operators(): Promise<Hex[]> {
    return ((await this.registry.getFunction('rangers')(this.chainId)) as string[]).map(lower);
  }

  async ranger(operator: string): Promise<RangerInfo> {
    const r = (await this.registry.getFunction('getRanger')(this.chainId, operator)) as { signer: string; peerId: string; stake: bigint; unbonding: bigint; availableAt: bigint };
    return { operator: lower(operator), signer: lower(r.signer), peerId: r.peerId, stake: r.stake, unbonding: r.unbonding, availableAt: BigInt(r.availableAt) };
  }

  async operatorOfSigner(signer: string): Promise<Hex | undefined> {
    const op = (await this.registry.getFunction('operatorOfSigner')(this.chainId, signer)) as string;
    return op === ZeroAddress ? undefined : lower(op);
  }

  async quorumAt(signers: readonly string[], snapshot: bigint): Promise<Quorum> {
    const [operators, stakes, total] = (await this.registry.getFunction('quorumAt')(this.chainId, [...signers], snapshot)) as [string[], bigint[], bigint];
    return { operators: operators.map(lower), stakes: [...stakes], total };
  }

  async nextBatchIndex(): Promise<bigint> {
    return (await this.inbox.getFunction('nextBatchIndex')(this.chainId)) as bigint;
  }

  /** Batch `index` as the inbox holds it now, or undefined (not appended, or removed). */
  async storedBatch(index: bigint): Promise<StoredBatchInfo | undefined> {
    if (index >= (await this.nextBatchIndex())) return undefined;
    try {
      const b = (await this.inbox.getFunction('getBatch')(this.chainId, index)) as { headerHash: string; appendedAt: bigint; newStateRoot: string; withdrawalRoot: string };
      return { headerHash: lower(b.headerHash), appendedAt: BigInt(b.appendedAt), newStateRoot: lower(b.newStateRoot), withdrawalRoot: lower(b.withdrawalRoot) };
    } catch (e) {
      if (revertName(e) === 'BatchNotFound') return undefined;
      throw e;
    }
  }

  async isFinalized(index: bigint): Promise<boolean> {
    return (await this.inbox.getFunction('isFinalized')(this.chainId, index)) as boolean;
  }

  /** The highest final batch, or undefined while none is. */
  async lastFinalizedBatch(): Promise<bigint | undefined> {
    const [found, index] = (await this.inbox.getFunction('lastFinalizedBatch')(this.chainId)) as [boolean, bigint];
    return found ? index : undefined;
  }

  async disputeStatus(index: bigint): Promise<{ status: DisputeStatus; deadline: bigint }> {
    const [status, deadline] = (await this.disputes.getFunction('disputeStatus')(this.chainId, index)) as [bigint, bigint];
    return { status: DISPUTE_STATUS[Number(status)] ?? 'none', deadline: BigInt(deadline) };
  }

  async isDisputed(index: bigint, headerHash: Hex): Promise<boolean> {
    return (await this.disputes.getFunction('isDisputed')(this.chainId, index, headerHash)) as boolean;
  }

  async isReported(signer: Hex, att: Attestation): Promise<boolean> {
    return (await this.disputes.getFunction('isReported')(this.chainId, signer, att.batchIndex, att.prevStateRoot, att.dataHash)) as boolean;
  }

  async minChallengeBond(): Promise<bigint> {
    return (await this.disputes.getFunction('minChallengeBond')()) as bigint;
  }

  // ---- transactions ----

  configureChain(stakeToken: Hex, minStake: bigint, unbondingDelay: bigint): Promise<TransactionReceipt> {
    return this.tx(this.registry, 'configureChain', [this.chainId, stakeToken, minStake, unbondingDelay], 0n, 'RangerRegistry.configureChain');
  }

  /** Registers the sending key as a ranger with signing key `signer` and ETH stake `stake`. */
  register(signer: Hex, peerId: string, stake: bigint): Promise<TransactionReceipt> {
    return this.tx(this.registry, 'register', [this.chainId, signer, peerId, stake], stake, 'RangerRegistry.register', CHECKPOINT_GAS_PAD);
  }

  setPeerId(peerId: string): Promise<TransactionReceipt> {
    return this.tx(this.registry, 'setPeerId', [this.chainId, peerId], 0n, 'RangerRegistry.setPeerId');
  }

  submitCertificate(header: BatchHeader, signatures: readonly Hex[]): Promise<TransactionReceipt> {
    return this.tx(this.certifier, 'submitCertificate', [header, [...signatures]], 0n, `RangerCertifier.submitCertificate(${header.batchIndex})`);
  }

  /** Certificates of consecutive batches in one transaction (`signatures[i]` for `headers[i]`). */
  submitCertificates(headers: readonly BatchHeader[], signatures: readonly (readonly Hex[])[]): Promise<TransactionReceipt> {
    const first = headers[0]?.batchIndex;
    const last = headers[headers.length - 1]?.batchIndex;
    return this.tx(this.certifier, 'submitCertificates', [[...headers], signatures.map((s) => [...s])], 0n, `RangerCertifier.submitCertificates(${first}-${last})`);
  }

  challenge(header: BatchHeader, bond: bigint): Promise<TransactionReceipt> {
    return this.tx(this.disputes, 'challenge', [header], bond, `RangerDisputes.challenge(${header.batchIndex})`);
  }

  resolve(header: BatchHeader, attestation: Attestation, signatures: readonly Hex[]): Promise<TransactionReceipt> {
    return this.tx(this.disputes, 'resolve', [header, attestation, [...signatures]], 0n, `RangerDisputes.resolve(${header.batchIndex})`);
  }

  expire(index: bigint): Promise<TransactionReceipt> {
    return this.tx(this.disputes, 'expire', [this.chainId, index], 0n, `RangerDisputes.expire(${index})`);
  }

  reportEquivocation(a: SignedAttestation, b: SignedAttestation): Promise<TransactionReceipt> {
    return this.tx(this.disputes, 'reportEquivocation', [a.attestation, a.signature, b.attestation, b.signature], 0n, `RangerDisputes.reportEquivocation(${a.attestation.batchIndex})`, CHECKPOINT_GAS_PAD);
  }

  private async tx(contract: Contract, fn: string, args: unknown[], value: bigint, action: string, pad = 0n): Promise<TransactionReceipt> {
    if (!this.send) throw new Error(`${action}: this node has no L1 key`);
    const data = contract.interface.encodeFunctionData(fn, args) as Hex;
    const to = contract.target as Hex;
    // Padded transactions are estimated here (a revert surfaces as the CALL_EXCEPTION it is); the rest by the sender.
    const gasLimit = pad > 0n && this.from ? ((await this.provider.estimateGas({ from: this.from, to, data, value })) * 6n) / 5n + pad : undefined;
    return this.send({ to, data, ...(value > 0n ? { value } : {}), ...(gasLimit ? { gasLimit } : {}) }, action);
  }
}
