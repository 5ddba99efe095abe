import { createToken } from './container/token.js';
import type { Logger } from './logger.js';
import type { ResolvedNodeConfig } from './config/schema.js';
import type { EventBus, NodeEvents } from './events.js';
import type { StageRunner } from './pipeline/stage-runner.js';
import type { Batch, BlockBody, BlockImport, BlockTemplate, Deposit, GenesisAccounts, Hex, PooledTx, SealedBlock } from './types/chain.js';

/**
 * Well-known capabilities. A plugin that provides one lists its token in `provides` and registers it in
 * setup; a plugin that needs one lists it in `requires`. Interfaces stay small: only what consumers use.
 */

/** Registered by the core in every node. */
export const NODE_CONFIG = createToken<ResolvedNodeConfig>('node-config');
export const LOGGER = createToken<Logger>('logger');
export const EVENTS = createToken<EventBus<NodeEvents>>('events');
export const STAGES_RUNNER = createToken<StageRunner>('stages');

/** Pending transactions, as the order stage needs them. Provided by the ingest plugin (mempool). */
export interface TxPool {
  /** Executable transactions, best first, per-sender nonce order kept, within the gas limit. */
  select(template: BlockTemplate, maxTxs?: number): PooledTx[];
  /** Called after a block is stored: drop what it included and what it dropped. */
  onBlock(block: SealedBlock, dropped: readonly PooledTx[]): Promise<void>;
  /** Number of transactions that could go into the next block. */
  readonly executableCount: number;
  /** Next nonce for a sender counting pooled transactions. */
  pendingNonce(sender: Hex): Promise<bigint>;
  get(hash: Hex): PooledTx | undefined;
}
export const TX_POOL = createToken<TxPool>('tx-pool');

/** The head of the local chain. Provided by the execute plugin. */
export interface ChainHead {
  head(): SealedBlock;
  /** A stored block by number, or undefined past the head. */
  block(number: bigint): Promise<SealedBlock | undefined>;
  /** The template for the block after the head. */
  nextTemplate(timestamp: bigint): BlockTemplate;
  /** What re-executing a stored block needs (and the logs it emitted), or undefined past the head. */
  body(number: bigint): Promise<BlockBody | undefined>;
}
export const CHAIN_HEAD = createToken<ChainHead>('chain-head');

/**
 * Imports blocks that were produced elsewhere (a replica deriving the chain from L1), executing each on
 * the head exactly as given. A block that does not apply (a transaction fails to run, a deposit out of
 * order, a wrong parent) is refused with a coded error and changes nothing. Provided by the execute plugin.
 */
export interface BlockImporter {
  importBlock(block: BlockImport): Promise<SealedBlock>;
}
export const BLOCK_IMPORTER = createToken<BlockImporter>('block-importer');

/** Block heights the settlement has made safe and final. Provided by the commit/prove plugin. */
export interface Finality {
  safeBlock(): bigint;
  finalizedBlock(): bigint;
  batches(): readonly Batch[];
}
export const FINALITY = createToken<Finality>('finality');

/** Block production state. Provided by the order plugin. */
export interface BlockProducer {
  /** Produces a block now if transactions wait (dev tools, tests). Resolves with the block, if any. */
  produce(): Promise<SealedBlock | undefined>;
}
export const BLOCK_PRODUCER = createToken<BlockProducer>('block-producer');

/** A JSON-RPC namespace contributed by a plugin, collected by the RPC server. */
export interface RpcCallContext {
  /** 'http' or 'ws'. */
  readonly transport: 'http' | 'ws';
}
export type RpcHandler = (params: readonly unknown[], ctx: RpcCallContext) => unknown;
/** A subscription kind for eth_subscribe: call `emit` for each notification; return an unsubscribe. */
export type RpcSubscription = (params: readonly unknown[], emit: (result: unknown) => void) => () => void;
export interface RpcNamespace {
  readonly methods: Readonly<Record<string, RpcHandler>>;
  readonly subscriptions?: Readonly<Record<string, RpcSubscription>>;
}
export const RPC_NAMESPACES = createToken<RpcNamespace>('rpc-namespaces');

/**
 * L1 deposits that blocks may credit now (confirmed on L1), in queue order. Provided by the settlement
 * plugin; the order stage takes them before any transaction (forced inclusion).
 */
export interface DepositQueue {
  /** Up to `max` deposits from queue index `from` on, contiguous; empty when none is ready. */
  ready(from: bigint, max: number): readonly Deposit[];
}
export const DEPOSIT_QUEUE = createToken<DepositQueue>('deposit-queue');

/**
 * Where batch data is published, by commitment. Provided by a DA plugin (L1 calldata, IPFS, ...).
 * `retrieve` returns only data whose keccak-256 is `expectedHash`; anything else is an error
 * (DA_UNAVAILABLE when it cannot be fetched, DA_INVALID when what was fetched does not match).
 */
export interface DataAvailability {
  /** The kind recorded in the chain's L1 registry entry: 1 = L1 calldata, 2 = IPFS. */
  readonly kind: number;
  readonly name: string;
  publish(data: Uint8Array): Promise<Uint8Array>;
  retrieve(commitment: Uint8Array, expectedHash: Hex): Promise<Uint8Array>;
}
export const DATA_AVAILABILITY = createToken<DataAvailability>('data-availability');

/** Accounts plugins place in the genesis (see PluginDefinition.genesis); registered by the core. */
export const GENESIS_ACCOUNTS = createToken<GenesisAccounts>('genesis-accounts');
