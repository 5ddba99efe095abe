/**
 * Chain types shared by the stages. They describe any account-based chain; nothing here is EVM-specific.
 * Hashes and addresses are 0x-prefixed lower-case hex strings. VM-specific forms travel as `decoded`.
 */
export type Hex = `0x${string}`;

export type TxSource = 'rpc' | 'l1' | 'peer' | 'system';

/** A validated transaction waiting in a pool. */
export interface PooledTx {
  readonly hash: Hex;
  readonly sender: Hex;
  readonly nonce: bigint;
  readonly gasLimit: bigint;
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
  readonly raw: Uint8Array;
  readonly source: TxSource;
  /** The VM's own decoded form (for the EVM, an @ethereumjs/tx object with its sender cached). */
  readonly decoded: unknown;
}

/** What the order stage is asked to fill: the next block's frame. */
export interface BlockTemplate {
  readonly number: bigint;
  readonly parentHash: Hex;
  readonly timestamp: bigint;
  readonly gasLimit: bigint;
  /** L1 deposits consumed by the chain up to the parent: the queue index of the next one to credit. */
  readonly depositCount: bigint;
}

/**
 * A deposit queued on L1 for this chain. Blocks credit deposits exactly once, in queue order, before their
 * transactions; which deposits a block credited is part of the block (and of its batch data).
 */
export interface Deposit {
  /** Position in the chain's L1 deposit queue (0, 1, 2, ...). */
  readonly index: bigint;
  /** The L1 block that queued it. */
  readonly l1Block: bigint;
  readonly from: Hex;
  readonly to: Hex;
  /** The L1 token, or the zero address for the native coin. */
  readonly l1Token: Hex;
  readonly amount: bigint;
  /** Token metadata as the L1 bridge encoded it; `0x` for the native coin. */
  readonly tokenMeta: Hex;
}

/** A log emitted while executing a block, in block order. */
export interface BlockLog {
  readonly address: Hex;
  readonly topics: readonly Hex[];
  readonly data: Hex;
  /** Index of the transaction that emitted it. */
  readonly txIndex: number;
}

/**
 * Everything needed to re-execute a block on its parent: the settlement puts this in batch data and
 * replicas import it (BlockImporter). `logs` are outputs, for the settlement's own use (withdrawals).
 */
export interface BlockBody {
  readonly number: bigint;
  readonly timestamp: bigint;
  readonly gasLimit: bigint;
  readonly coinbase: Hex;
  readonly deposits: readonly Deposit[];
  /** The signed transactions, raw, in block order. */
  readonly txs: readonly Uint8Array[];
  readonly logs: readonly BlockLog[];
}

/** A block to import as given (derivation): every transaction must apply. */
export type BlockImport = Omit<BlockBody, 'logs'>;

/** An account placed in the genesis by a plugin (predeploys, system accounts). Values are hex. */
export interface GenesisAccount {
  readonly balance?: bigint;
  readonly nonce?: bigint;
  readonly code?: Hex;
  readonly storage?: Readonly<Record<Hex, Hex>>;
}
export type GenesisAccounts = Readonly<Record<Hex, GenesisAccount>>;

/** A block after execution, as the later stages see it. */
export interface SealedBlock {
  readonly number: bigint;
  readonly hash: Hex;
  readonly parentHash: Hex;
  readonly timestamp: bigint;
  readonly stateRoot: Hex;
  readonly gasUsed: bigint;
  readonly txHashes: readonly Hex[];
  /** L1 deposits consumed by the chain up to and including this block. */
  readonly depositCount: bigint;
}

export type BatchStatus = 'unsafe' | 'safe' | 'finalized';

/** A group of consecutive blocks committed together. */
export interface Batch {
  readonly index: bigint;
  readonly firstBlock: bigint;
  readonly lastBlock: bigint;
  readonly stateRoot: Hex;
  readonly blockHashes: readonly Hex[];
  readonly status: BatchStatus;
  /** Where the batch was recorded (local store, L1 tx hash, DA commitment, ...). */
  readonly commitment?: string;
  /** keccak-256 of the batch data. */
  readonly dataHash?: Hex;
  /** Root of the withdrawals the batch's blocks initiated (zero when none). */
  readonly withdrawalRoot?: Hex;
  /** L1 deposits consumed up to the batch's last block. */
  readonly depositCount?: bigint;
}
