import { z } from 'zod';
import { retryOptionsSchema } from './retry.js';

/** Wei as written in a config: a bigint, a safe integer or a decimal string. */
export const weiSchema = z
  .union([z.bigint().min(0n), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d+$/)])
  .transform((v) => BigInt(v));

const GWEI = 1_000_000_000n;

/** Tunables of the L1 transaction sender (TxSender). */
export const txSenderOptionsSchema = z
  .strictObject({
    /** Blocks a transaction must be buried under (1 = mined) before `send` resolves. */
    confirmations: z.number().int().min(1).max(1_000).default(1),
    /** Milliseconds a transaction may stay unmined before it is re-sent with higher fees (or re-broadcast). */
    bumpAfterMs: z.number().int().min(1).default(60_000),
    /** Fee increase of each replacement, in percent; at least 12.5 (what pools require for a replacement). */
    bumpPercent: z.number().min(12.5).max(1_000).default(12.5),
    /** Cap on the max fee per gas, in wei: the network's suggestion and every bump stop here. */
    maxFeePerGas: weiSchema.default(500n * GWEI),
    /** Milliseconds between two looks for the receipt. */
    pollIntervalMs: z.number().int().min(1).default(2_000),
    /** Milliseconds after which `send` gives up (L1_TX_FAILED); 0 waits forever. */
    timeoutMs: z.number().int().min(0).default(30 * 60_000),
    /** Percent added to the gas estimate. */
    gasMarginPercent: z.number().int().min(0).max(1_000).default(20),
    /** Retries of transient RPC failures, for every request the sender makes. */
    retry: retryOptionsSchema,
  })
  .prefault({});

export type TxSenderOptionsInput = z.input<typeof txSenderOptionsSchema>;
export type TxSenderOptions = z.output<typeof txSenderOptionsSchema>;
