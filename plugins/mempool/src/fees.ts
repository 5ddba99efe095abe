/** Fee arithmetic shared by validation, eviction and selection. All amounts are wei per gas. */

/** What the block producer earns per gas: min(tip, maxFee − baseFee). Negative when maxFee < baseFee. */
export function effectiveTip(maxFeePerGas: bigint, maxPriorityFeePerGas: bigint, baseFee: bigint): bigint {
  const headroom = maxFeePerGas - baseFee;
  return headroom < maxPriorityFeePerGas ? headroom : maxPriorityFeePerGas;
}

/**
 * The least a replacement must offer, geth's rule: at least `old · (100 + bump) / 100` and strictly more
 * than `old`, for the max fee and the tip alike.
 */
export function bumpedMinimum(old: bigint, priceBump: number): bigint {
  const bumped = (old * BigInt(100 + priceBump)) / 100n;
  return bumped > old ? bumped : old + 1n;
}

/** Whether `next` may replace `old` (same sender and nonce). */
export function isReplacementPriced(
  old: { readonly maxFeePerGas: bigint; readonly maxPriorityFeePerGas: bigint },
  next: { readonly maxFeePerGas: bigint; readonly maxPriorityFeePerGas: bigint },
  priceBump: number,
): boolean {
  return (
    next.maxFeePerGas >= bumpedMinimum(old.maxFeePerGas, priceBump) &&
    next.maxPriorityFeePerGas >= bumpedMinimum(old.maxPriorityFeePerGas, priceBump)
  );
}
