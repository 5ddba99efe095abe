import { describe, expect, it } from 'vitest';
import { bumpBy, bumpPermille, capFees, replacementFees } from './fees.js';

const gwei = (n: number) => BigInt(Math.round(n * 1e9));

describe('fees', () => {
  it('bumps by at least 12.5%, rounding up, and by at least 1 wei', () => {
    expect(bumpPermille(10)).toBe(125);
    expect(bumpPermille(12.5)).toBe(125);
    expect(bumpPermille(20)).toBe(200);
    expect(bumpBy(1000n, 125)).toBe(1125n);
    expect(bumpBy(1001n, 125)).toBe(1127n); // 1126.125 rounded up
    expect(bumpBy(0n, 125)).toBe(1n);
    expect(bumpBy(1n, 125)).toBe(2n);
  });

  it('caps the max fee and keeps the priority fee below it', () => {
    expect(capFees({ maxFeePerGas: gwei(100), maxPriorityFeePerGas: gwei(2) }, gwei(50))).toEqual({ maxFeePerGas: gwei(50), maxPriorityFeePerGas: gwei(2) });
    expect(capFees({ maxFeePerGas: gwei(100), maxPriorityFeePerGas: gwei(80) }, gwei(50))).toEqual({ maxFeePerGas: gwei(50), maxPriorityFeePerGas: gwei(50) });
    expect(capFees({ maxFeePerGas: gwei(10), maxPriorityFeePerGas: gwei(1) }, gwei(50))).toEqual({ maxFeePerGas: gwei(10), maxPriorityFeePerGas: gwei(1) });
  });

  it('raises both fees of a replacement by the bump, or to the current fees when higher', () => {
    const previous = { maxFeePerGas: gwei(10), maxPriorityFeePerGas: gwei(1) };
    expect(replacementFees(previous, previous, 125, gwei(100))).toEqual({ maxFeePerGas: gwei(11.25), maxPriorityFeePerGas: gwei(1.125) });
    expect(replacementFees(previous, { maxFeePerGas: gwei(30), maxPriorityFeePerGas: gwei(3) }, 125, gwei(100))).toEqual({
      maxFeePerGas: gwei(30),
      maxPriorityFeePerGas: gwei(3),
    });
    expect(replacementFees(previous, previous, 500, gwei(100))).toEqual({ maxFeePerGas: gwei(15), maxPriorityFeePerGas: gwei(1.5) });
  });

  it('stops at the cap: the current fees are capped, and no replacement when the bump would pass it', () => {
    const previous = { maxFeePerGas: gwei(10), maxPriorityFeePerGas: gwei(1) };
    expect(replacementFees(previous, { maxFeePerGas: gwei(90), maxPriorityFeePerGas: gwei(1) }, 125, gwei(12))).toEqual({
      maxFeePerGas: gwei(12),
      maxPriorityFeePerGas: gwei(1.125),
    });
    expect(replacementFees(previous, previous, 125, gwei(11))).toBeUndefined();
    // priority fee equal to the max fee: the priority bump cannot fit under a max fee bumped to the cap
    const tight = { maxFeePerGas: gwei(10), maxPriorityFeePerGas: gwei(10) };
    expect(replacementFees(tight, tight, 125, gwei(11.25))).toEqual({ maxFeePerGas: gwei(11.25), maxPriorityFeePerGas: gwei(11.25) });
  });
});
