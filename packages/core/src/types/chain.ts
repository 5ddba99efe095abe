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
}

/** A block after execution, as the later stages see it. */
export interface SealedBlock {
  readonly number: bigint;
  readonly hash: Hex;
  readonly parentHash: Hex;
  readonly timestamp: bigint;
  readonly stateRoot: Hex;
  readonly gasUsed: bigint;
  readonly txHashes: readonly Hex[];
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
}
