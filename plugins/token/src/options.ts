import { z } from 'zod';

/** Options of the token plugin: bounds of `metis_dacTokenInfo`. */
export const tokenOptionsSchema = z.strictObject({
  /** Most accounts whose balance one `metis_dacTokenInfo` call reports (its `holders` param). */
  maxHolders: z.number().int().min(0).max(1_000).default(50),
  /** Most vesting wallets listed (the count is always given). */
  maxVestingWallets: z.number().int().min(0).max(1_000).default(50),
});

export type TokenOptions = z.output<typeof tokenOptionsSchema>;
export type TokenOptionsInput = z.input<typeof tokenOptionsSchema>;
