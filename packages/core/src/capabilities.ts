import { createToken } from './container/token.js';
import type { Logger } from './logger.js';
import type { ResolvedNodeConfig } from './config/schema.js';
import type { EventBus, NodeEvents } from './events.js';
import type { StageRunner } from './pipeline/stage-runner.js';
import type { Batch, BlockTemplate, Hex, PooledTx, SealedBlock } from './types/chain.js';

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
}
export const CHAIN_HEAD = createToken<ChainHead>('chain-head');

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
