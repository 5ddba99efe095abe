import { setTimeout as sleep } from 'node:timers/promises';
import { MetisError } from '@metis/core';
import { z } from 'zod';
import { classifyRpcError, rpcErrorMessage } from './rpc-errors.js';

/** Retries of transient L1 RPC failures: `attempts` tries in all, waiting base × 2^n (capped) between them. */
export const retryOptionsSchema = z
  .strictObject({
    /** Tries in all, the first included (1 = no retry). */
    attempts: z.number().int().min(1).max(100).default(6),
    /** Delay before the first retry, in ms; doubled for each further one. */
    baseDelayMs: z.number().int().min(0).default(250),
    /** Upper bound of one delay, in ms. */
    maxDelayMs: z.number().int().min(0).default(8_000),
  })
  .prefault({});

export type RetryOptionsInput = z.input<typeof retryOptionsSchema>;
export type RetryOptions = z.output<typeof retryOptionsSchema>;

/** Called before each retry (for logs and tests). */
export type RetryListener = (info: { method: string; attempt: number; delayMs: number; error: unknown }) => void;

export interface WithRetryOptions {
  retry?: RetryOptionsInput | RetryOptions;
  /** Names the request in the L1_RPC error. */
  method?: string;
  onRetry?: RetryListener;
}

/** The delay before retry number `attempt` (1-based): base × 2^(attempt-1), at most maxDelayMs, ±10% jitter. */
export function backoffDelay(attempt: number, options: RetryOptions): number {
  const raw = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(raw * (0.9 + Math.random() * 0.2));
}

/**
 * Runs `fn`, repeating it on transient L1 RPC failures (network errors, HTTP 5xx/429, timeouts, `header not
 * found`, ...; see `classifyRpcError`) with exponential backoff. Any other error (a revert, a pool refusal,
 * invalid input) is rethrown unchanged at once. When the tries are exhausted, throws MetisError L1_RPC
 * (`method`, last reason) with the last error as cause.
 */
export async function withRetry<T>(fn: () => Promise<T>, options: WithRetryOptions = {}): Promise<T> {
  const retry = retryOptionsSchema.parse(options.retry ?? {});
  const method = options.method ?? 'call';
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (classifyRpcError(e) !== 'transient') throw e;
      if (attempt >= retry.attempts) {
        throw new MetisError('L1_RPC', { method, reason: `${rpcErrorMessage(e)} (after ${attempt} tries)` }, { cause: e });
      }
      const delayMs = backoffDelay(attempt, retry);
      options.onRetry?.({ method, attempt, delayMs, error: e });
      await sleep(delayMs);
    }
  }
}
