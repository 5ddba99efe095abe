/**
 * Intrinsic gas of a call under Prague: base cost, calldata (EIP-2028), contract creation with initcode
 * words (EIP-3860), and the EIP-7623 calldata floor.
 */
export function intrinsicGas(data: Uint8Array, isCreate: boolean): { intrinsic: bigint; floor: bigint } {
  let zeros = 0n;
  for (const b of data) if (b === 0) zeros++;
  const nonZeros = BigInt(data.length) - zeros;
  const tokens = zeros + nonZeros * 4n;
  let intrinsic = 21_000n + zeros * 4n + nonZeros * 16n;
  if (isCreate) intrinsic += 32_000n + 2n * ((BigInt(data.length) + 31n) / 32n);
  return { intrinsic, floor: 21_000n + tokens * 10n };
}
