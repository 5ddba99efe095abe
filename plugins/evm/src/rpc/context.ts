import { FINALITY, MetisError, TX_POOL, type Container, type EventBus, type NodeEvents, type StageRunner, type TxPool } from '@metis/core';
import type { EvmChain } from '../chain.js';
import type { EvmOptions } from '../options.js';
import type { HeadStateView } from '../state/head-view.js';
import type { ChainBlock } from '../storage/chain-store.js';
import type { BlockTag } from './params.js';
import { q } from './hex.js';

/** What the eth_ handlers share. */
export interface EthContext {
  readonly chain: EvmChain;
  readonly view: HeadStateView;
  readonly options: EvmOptions;
  readonly container: Container;
  readonly stages: StageRunner;
  readonly events: EventBus<NodeEvents>;
}

/** The pool, if an ingest plugin provides one (resolved late: it is set up after this plugin). */
export function pool(ctx: EthContext): TxPool | undefined {
  return ctx.container.tryResolve(TX_POOL);
}

export function blockNumberOf(ctx: EthContext, tag: BlockTag): bigint | undefined {
  const head = ctx.chain.head.number;
  switch (tag.kind) {
    case 'latest':
    case 'pending':
      return head;
    case 'earliest':
      return 0n;
    case 'safe':
      return ctx.container.tryResolve(FINALITY)?.safeBlock() ?? 0n;
    case 'finalized':
      return ctx.container.tryResolve(FINALITY)?.finalizedBlock() ?? 0n;
    case 'number':
      return tag.number <= head ? tag.number : undefined;
    case 'hash':
      return undefined;
  }
}

/** The block a tag names, or undefined when it does not exist (yet). */
export async function findBlock(ctx: EthContext, tag: BlockTag): Promise<ChainBlock | undefined> {
  if (tag.kind === 'hash') {
    const n = await ctx.chain.store.numberOf(tag.hash);
    return n === undefined ? undefined : ctx.chain.store.block(n);
  }
  const n = blockNumberOf(ctx, tag);
  return n === undefined ? undefined : ctx.chain.store.block(n);
}

/** Like findBlock, but state queries need the block: a missing one is an error. */
export async function requireBlock(ctx: EthContext, tag: BlockTag): Promise<ChainBlock> {
  const block = await findBlock(ctx, tag);
  if (!block) {
    const name = tag.kind === 'hash' ? tag.hash : tag.kind === 'number' ? q(tag.number) : tag.kind;
    throw new MetisError('RPC_BLOCK_NOT_FOUND', { block: name });
  }
  return block;
}
