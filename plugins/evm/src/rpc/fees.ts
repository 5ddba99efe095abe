import type { TypedTransaction } from '@ethereumjs/tx';
import type { EthContext } from './context.js';
import { blockNumberOf } from './context.js';
import { q } from './hex.js';
import { blockTag, invalid, quantity } from './params.js';

/** Suggested priority fee: what the pool needs plus a margin (1 gwei, anvil's and geth's default). */
export const SUGGESTED_TIP = 1_000_000_000n;

export function gasPrice(ctx: EthContext): string {
  return q(ctx.view.nextBaseFee() + SUGGESTED_TIP);
}

function tipOf(tx: TypedTransaction, baseFee: bigint): bigint {
  if ('maxFeePerGas' in tx) {
    const room = tx.maxFeePerGas - baseFee;
    return tx.maxPriorityFeePerGas < room ? tx.maxPriorityFeePerGas : room;
  }
  return (tx as { gasPrice: bigint }).gasPrice - baseFee;
}

/** eth_feeHistory: base fees (one more than blocks, the next block's last), gas used ratios, tip percentiles. */
export async function feeHistory(ctx: EthContext, params: readonly unknown[]): Promise<Record<string, unknown>> {
  const count = typeof params[0] === 'number' ? BigInt(params[0]) : quantity(params[0], 'blockCount');
  const newestTag = blockTag(params[1], 'newestBlock');
  const percentiles = (params[2] ?? undefined) as number[] | undefined;
  if (percentiles !== undefined) {
    if (!Array.isArray(percentiles) || percentiles.length > 100) throw invalid('rewardPercentiles: at most 100 numbers');
    percentiles.forEach((p, i) => {
      if (typeof p !== 'number' || p < 0 || p > 100 || (i > 0 && p < percentiles[i - 1]!)) throw invalid('rewardPercentiles: ascending numbers in [0, 100]');
    });
  }
  const newest = blockNumberOf(ctx, newestTag) ?? ctx.chain.head.number;
  const blocks = count < 1n ? 0n : count > BigInt(ctx.options.maxFeeHistory) ? BigInt(ctx.options.maxFeeHistory) : count;
  const oldest = newest + 1n - blocks < 0n ? 0n : newest + 1n - blocks;
  const baseFees: string[] = [];
  const ratios: number[] = [];
  const rewards: string[][] = [];
  for (let n = oldest; n <= newest && blocks > 0n; n++) {
    const block = (await ctx.chain.store.block(n))!;
    const header = block.header;
    const baseFee = header.baseFeePerGas ?? 0n;
    baseFees.push(q(baseFee));
    ratios.push(Number(header.gasUsed) / Number(header.gasLimit));
    if (percentiles) {
      const tips = block.txs
        .map((tx, i) => ({ tip: tipOf(tx, baseFee), gas: block.stored.receipts[i]!.gasUsed }))
        .sort((a, b) => (a.tip < b.tip ? -1 : a.tip > b.tip ? 1 : 0));
      rewards.push(
        percentiles.map((p) => {
          if (tips.length === 0) return '0x0';
          const threshold = (Number(header.gasUsed) * p) / 100;
          let acc = 0;
          for (const t of tips) {
            acc += Number(t.gas);
            if (acc >= threshold) return q(t.tip);
          }
          return q(tips[tips.length - 1]!.tip);
        }),
      );
    }
  }
  const last = await ctx.chain.store.block(newest);
  if (blocks > 0n && last) baseFees.push(q(last.header.calcNextBaseFee()));
  return { oldestBlock: q(oldest), baseFeePerGas: baseFees, gasUsedRatio: ratios, ...(percentiles ? { reward: rewards } : {}) };
}
