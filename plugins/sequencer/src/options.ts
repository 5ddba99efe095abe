import { z } from 'zod';

/** setTimeout's largest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

export const sequencerOptionsSchema = z
  .strictObject({
    /** Milliseconds between block starts (blocks are made even when empty), or 'instant': a block as soon as transactions wait. */
    blockTime: z.union([z.number().int().min(50).max(MAX_TIMER_MS), z.literal('instant')]).default(1000),
    /** Most transactions the order stage puts in one block. */
    maxTxsPerBlock: z.number().int().min(1).default(10_000),
    /**
     * Candidates are chosen up to this many times the block gas limit, counted by their gas limits. Most
     * transactions use far less gas than they reserve; the execute stage packs by gas actually used and
     * leaves what does not fit in the pool. 1 = never more than the gas limits fit.
     */
    candidateGasFactor: z.number().int().min(1).max(16).default(4),
    /**
     * Most L1 deposits one block credits (they run before its transactions and do not count against its
     * gas). Every ready deposit is taken, oldest first, up to this many: a backlog drains over blocks.
     */
    maxDepositsPerBlock: z.number().int().min(1).max(10_000).default(256),
  })
  .prefault({});

/** Options as written in a config. */
export type SequencerOptionsInput = z.input<typeof sequencerOptionsSchema>;
/** Options after defaults are filled in. */
export type SequencerOptions = z.output<typeof sequencerOptionsSchema>;
