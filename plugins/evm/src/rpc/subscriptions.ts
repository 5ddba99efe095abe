import type { RpcSubscription } from '@metis/core';
import type { EthContext } from './context.js';
import { formatHeader } from './format.js';
import { blockLogs, parseLogFilter } from './logs.js';

/** eth_subscribe kinds: newHeads, logs (with an address/topics filter), newPendingTransactions. */
export function subscriptions(ctx: EthContext): Record<string, RpcSubscription> {
  return {
    newHeads: (_params, emit) =>
      ctx.events.on('block', (b) => {
        void ctx.chain.store.block(b.number).then((block) => block && emit(formatHeader(block.header)));
      }),
    logs: (params, emit) => {
      const filter = parseLogFilter(params[0] ?? {});
      return ctx.events.on('block', (b) => {
        void ctx.chain.store.block(b.number).then((block) => {
          if (block) for (const log of blockLogs(block, filter)) emit(log);
        });
      });
    },
    newPendingTransactions: (_params, emit) => ctx.events.on('pending', (tx) => emit(tx.hash)),
  };
}
