import { z } from 'zod';

/** A wei amount: a bigint, a safe non-negative integer, or a decimal (or 0x-hex) string. */
const wei = z
  .union([
    z.bigint().nonnegative(),
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    z.string().regex(/^(?:\d+|0x[0-9a-fA-F]+)$/, 'expected a decimal or 0x-hex integer string'),
  ])
  .transform((v) => BigInt(v));

export const mempoolOptionsSchema = z
  .strictObject({
    /** Most transactions held (executable and queued together). When full, the cheapest one is evicted. */
    maxSize: z.number().int().min(1).default(20_000),
    /** Most transactions held per sender. */
    maxPerSender: z.number().int().min(1).default(128),
    /** How far ahead of the state nonce a transaction's nonce may be (a larger gap is rejected). */
    maxNonceGap: z.number().int().min(0).default(64),
    /** Largest encoded transaction accepted, in bytes (128 KiB). */
    maxTxBytes: z.number().int().min(1).default(131_072),
    /** Percent by which a replacement must raise both the max fee and the tip. */
    priceBump: z.number().int().min(0).max(1000).default(10),
    /** Accept legacy transactions without EIP-155 replay protection. */
    allowUnprotected: z.boolean().default(false),
    /** Smallest priority fee (tip) per gas accepted, in wei. */
    minPriorityFee: wei.default(0n),
    /**
     * Recover the senders of bursts (16 or more transactions in one event-loop turn, such as an HTTP
     * batch) on a worker thread, alongside block execution. Off: every sender is recovered inline.
     */
    recoveryWorker: z.boolean().default(true),
  })
  .prefault({});

/** Options as written in a config. */
export type MempoolOptionsInput = z.input<typeof mempoolOptionsSchema>;
/** Options after defaults are filled in. */
export type MempoolOptions = z.output<typeof mempoolOptionsSchema>;

/** The defaults, resolved (handy for tests and direct construction). */
export function resolveMempoolOptions(input: MempoolOptionsInput = {}): MempoolOptions {
  return mempoolOptionsSchema.parse(input);
}
