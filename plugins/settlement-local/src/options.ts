import { z } from 'zod';

/** setTimeout's largest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

export const localSettlementOptionsSchema = z
  .strictObject({
    /** Blocks per batch: a batch is committed as soon as this many blocks wait. */
    batchSize: z.number().int().min(1).default(10),
    /** Milliseconds the oldest waiting block may wait before a partial batch is committed. */
    batchInterval: z.number().int().min(1).max(MAX_TIMER_MS).default(5000),
    /** Milliseconds from safe to finalized; 0 finalizes a batch as soon as it is safe. */
    finalityDelay: z.number().int().min(0).max(MAX_TIMER_MS).default(10_000),
  })
  .prefault({});

/** Options as written in a config. */
export type LocalSettlementOptionsInput = z.input<typeof localSettlementOptionsSchema>;
/** Options after defaults are filled in. */
export type LocalSettlementOptions = z.output<typeof localSettlementOptionsSchema>;
