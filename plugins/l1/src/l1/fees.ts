/** EIP-1559 fee arithmetic of the L1 sender: caps and replacement bumps. All values in wei per gas. */

export interface Fees {
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
}

/** The smallest bump a replacement may use, in per mille: 12.5% (geth requires 10%; some pools more). */
export const MIN_BUMP_PERMILLE = 125;

/** `value` raised by `permille`/1000, rounded up, and by at least 1 wei. */
export function bumpBy(value: bigint, permille: number): bigint {
  const raised = (value * BigInt(1000 + permille) + 999n) / 1000n;
  return raised > value ? raised : value + 1n;
}

/** A bump percentage (12.5 = 12.5%) as per mille, never below {@link MIN_BUMP_PERMILLE}. */
export function bumpPermille(percent: number): number {
  return Math.max(MIN_BUMP_PERMILLE, Math.ceil(percent * 10));
}

/** Fees within the cap: max fee at most `cap`, priority fee at most the max fee. */
export function capFees(fees: Fees, cap: bigint): Fees {
  const maxFeePerGas = fees.maxFeePerGas < cap ? fees.maxFeePerGas : cap;
  const maxPriorityFeePerGas = fees.maxPriorityFeePerGas < maxFeePerGas ? fees.maxPriorityFeePerGas : maxFeePerGas;
  return { maxFeePerGas, maxPriorityFeePerGas };
}

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/**
 * The fees of a replacement for a transaction sent with `previous`: each fee raised by at least `permille`
 * (and to the current network fees `current` if those are higher), the max fee capped at `cap`. Undefined
 * when the cap leaves no room for a valid replacement (both fees must rise by the bump): the caller keeps
 * the transaction it has.
 */
export function replacementFees(previous: Fees, current: Fees, permille: number, cap: bigint): Fees | undefined {
  const minMax = bumpBy(previous.maxFeePerGas, permille);
  const minPriority = bumpBy(previous.maxPriorityFeePerGas, permille);
  if (minMax > cap) return undefined;
  const maxFeePerGas = max(minMax, current.maxFeePerGas < cap ? current.maxFeePerGas : cap);
  let maxPriorityFeePerGas = max(minPriority, current.maxPriorityFeePerGas);
  if (maxPriorityFeePerGas > maxFeePerGas) maxPriorityFeePerGas = maxFeePerGas;
  if (maxPriorityFeePerGas < minPriority) return undefined;
  return { maxFeePerGas, maxPriorityFeePerGas };
}
