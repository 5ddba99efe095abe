import { z } from 'zod';
import type { Batch } from '@metis/core';

/** A batch as this plugin keeps it: the batch plus when it changed status (ms since the epoch). */
export interface BatchRecord {
  readonly batch: Batch;
  readonly committedAt: number;
  /** When the batch became safe; the finality delay runs from here, also across restarts. */
  readonly safeAt?: number;
  readonly finalizedAt?: number;
}

const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/, 'not a decimal integer');
const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, 'not 0x hex') as z.ZodType<`0x${string}`>;

/** The stored JSON of one batch; bigints as decimal strings. */
const storedSchema = z.object({
  index: decimal,
  firstBlock: decimal,
  lastBlock: decimal,
  stateRoot: hex,
  blockHashes: z.array(hex).min(1),
  status: z.enum(['unsafe', 'safe', 'finalized']),
  commitment: z.string().optional(),
  committedAt: z.number(),
  safeAt: z.number().optional(),
  finalizedAt: z.number().optional(),
});

const KEY_PREFIX = 'batch/';

/** `batch/00000000000000000042`: zero-padded so keys sort by index. */
export function batchKey(index: bigint): string {
  return `${KEY_PREFIX}${index.toString().padStart(20, '0')}`;
}

/** The key range holding every batch. */
export const BATCH_RANGE = { gte: KEY_PREFIX, lt: `${KEY_PREFIX.slice(0, -1)}0` } as const;

export function encodeRecord(record: BatchRecord): string {
  const { batch } = record;
  return JSON.stringify({
    index: batch.index.toString(),
    firstBlock: batch.firstBlock.toString(),
    lastBlock: batch.lastBlock.toString(),
    stateRoot: batch.stateRoot,
    blockHashes: batch.blockHashes,
    status: batch.status,
    commitment: batch.commitment,
    committedAt: record.committedAt,
    safeAt: record.safeAt,
    finalizedAt: record.finalizedAt,
  });
}

/** Parses a stored value; throws a plain Error saying what is wrong (the store adds the key). */
export function decodeRecord(value: string): BatchRecord {
  const parsed = storedSchema.safeParse(JSON.parse(value));
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; '));
  const s = parsed.data;
  const batch: Batch = Object.freeze({
    index: BigInt(s.index),
    firstBlock: BigInt(s.firstBlock),
    lastBlock: BigInt(s.lastBlock),
    stateRoot: s.stateRoot,
    blockHashes: Object.freeze([...s.blockHashes]),
    status: s.status,
    ...(s.commitment === undefined ? {} : { commitment: s.commitment }),
  });
  return Object.freeze({
    batch,
    committedAt: s.committedAt,
    ...(s.safeAt === undefined ? {} : { safeAt: s.safeAt }),
    ...(s.finalizedAt === undefined ? {} : { finalizedAt: s.finalizedAt }),
  });
}
