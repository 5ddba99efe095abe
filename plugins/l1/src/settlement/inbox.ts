import { Contract, Interface, isError, type Provider, type TransactionReceipt } from 'ethers';
import type { Hex } from '@metis/core';

/** The BatchInbox functions and events the node uses (the full ABI is in @metis/contracts). */
export const BATCH_INBOX_ABI = [
  'function appendBatch((uint256 chainId, uint64 batchIndex, uint64 firstBlock, uint64 lastBlock, bytes32 prevStateRoot, bytes32 newStateRoot, bytes32 dataHash, bytes daCommitment, bytes32 withdrawalRoot, uint64 depositCount) h)',
  'function nextBatchIndex(uint256 chainId) view returns (uint64)',
  'function isFinalized(uint256 chainId, uint64 batchIndex) view returns (bool)',
  'function lastStateRoot(uint256 chainId) view returns (bytes32)',
  'function lastFinalizedBatch(uint256 chainId) view returns (bool found, uint64 batchIndex)',
  'function getBatch(uint256 chainId, uint64 batchIndex) view returns ((bytes32 headerHash, bytes32 newStateRoot, bytes32 withdrawalRoot, uint64 lastBlock, uint64 depositCount, uint64 appendedAt, uint64 locks, address proposer))',
  'event BatchAppended(uint256 indexed chainId, uint64 indexed batchIndex, address indexed proposer, bytes32 headerHash, (uint256 chainId, uint64 batchIndex, uint64 firstBlock, uint64 lastBlock, bytes32 prevStateRoot, bytes32 newStateRoot, bytes32 dataHash, bytes daCommitment, bytes32 withdrawalRoot, uint64 depositCount) header)',
  'event BatchesRemoved(uint256 indexed chainId, uint64 indexed fromIndex, uint64 toIndex)',
];
export const batchInboxInterface = new Interface(BATCH_INBOX_ABI);

/** A batch header as appended to the BatchInbox. */
export interface BatchHeader {
  readonly chainId: bigint;
  readonly batchIndex: bigint;
  readonly firstBlock: bigint;
  readonly lastBlock: bigint;
  readonly prevStateRoot: Hex;
  readonly newStateRoot: Hex;
  readonly dataHash: Hex;
  readonly daCommitment: Hex;
  readonly withdrawalRoot: Hex;
  readonly depositCount: bigint;
}

/** What the inbox keeps of an appended batch. */
export interface StoredBatch {
  readonly newStateRoot: Hex;
  readonly withdrawalRoot: Hex;
  readonly lastBlock: bigint;
  readonly depositCount: bigint;
  readonly appendedAt: bigint;
}

/** Sends one L1 transaction and resolves with its receipt once confirmed (retries, fee bumps: the sender's job). */
export type SendL1 = (request: { to: Hex; data: Hex; value?: bigint }, action: string) => Promise<TransactionReceipt>;

/** The chain's view of the BatchInbox: reads through `provider`, appends through `send`. */
export class InboxClient {
  private readonly contract: Contract;

  constructor(
    readonly address: Hex,
    readonly chainId: bigint,
    provider: Provider,
    private readonly send: SendL1,
  ) {
    this.contract = new Contract(address, batchInboxInterface, provider);
  }

  async nextBatchIndex(): Promise<bigint> {
    return (await this.contract.getFunction('nextBatchIndex')(this.chainId)) as bigint;
  }

  async isFinalized(index: bigint): Promise<boolean> {
    return (await this.contract.getFunction('isFinalized')(this.chainId, index)) as boolean;
  }

  async lastStateRoot(): Promise<Hex> {
    return ((await this.contract.getFunction('lastStateRoot')(this.chainId)) as string).toLowerCase() as Hex;
  }

  async getBatch(index: bigint): Promise<StoredBatch> {
    const b = (await this.contract.getFunction('getBatch')(this.chainId, index)) as {
      newStateRoot: string;
      withdrawalRoot: string;
      lastBlock: bigint;
      depositCount: bigint;
      appendedAt: bigint;
    };
    return {
      newStateRoot: b.newStateRoot.toLowerCase() as Hex,
      withdrawalRoot: b.withdrawalRoot.toLowerCase() as Hex,
      lastBlock: b.lastBlock,
      depositCount: b.depositCount,
      appendedAt: b.appendedAt,
    };
  }

  /** keccak256(abi.encode(header)) of batch `index` as the inbox holds it now; undefined when it holds none. */
  async headerHash(index: bigint): Promise<Hex | undefined> {
    try {
      const b = (await this.contract.getFunction('getBatch')(this.chainId, index)) as { headerHash: string };
      return b.headerHash.toLowerCase() as Hex;
    } catch (e) {
      if (isError(e, 'CALL_EXCEPTION')) return undefined;
      throw e;
    }
  }

  /** The highest final batch, or undefined while none is. */
  async lastFinalizedBatch(): Promise<bigint | undefined> {
    const [found, index] = (await this.contract.getFunction('lastFinalizedBatch')(this.chainId)) as [boolean, bigint];
    return found ? index : undefined;
  }

  async append(header: BatchHeader): Promise<TransactionReceipt> {
    const data = batchInboxInterface.encodeFunctionData('appendBatch', [header]) as Hex;
    return this.send({ to: this.address, data }, `appendBatch(${header.batchIndex})`);
  }
}
