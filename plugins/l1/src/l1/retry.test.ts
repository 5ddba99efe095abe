import { isMetisError } from '@metis/core';
import { makeError } from 'ethers';
import { describe, expect, it } from 'vitest';
import { backoffDelay, retryOptionsSchema, withRetry } from './retry.js';

const transient = () => makeError('request timeout', 'TIMEOUT');

describe('withRetry', () => {
  it('repeats transient failures and returns the first success', async () => {
    let calls = 0;
    const delays: number[] = [];
    const value = await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw transient();
        return 'ok';
      },
      { retry: { attempts: 5, baseDelayMs: 1 }, onRetry: (i) => delays.push(i.attempt) },
    );
    expect(value).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toEqual([1, 2]);
  });

  it('rethrows anything not transient at once, unchanged', async () => {
    let calls = 0;
    const boom = new Error('boom');
    await expect(
      withRetry(async () => {
        calls += 1;
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(calls).toBe(1);
  });

  it('gives up after the limit with L1_RPC carrying the method and the last error', async () => {
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls += 1;
        throw transient();
      },
      { retry: { attempts: 3, baseDelayMs: 1 }, method: 'eth_blockNumber' },
    ).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(isMetisError(err, 'L1_RPC')).toBe(true);
    expect((err as { args: { method: string } }).args.method).toBe('eth_blockNumber');
    expect((err as Error).cause).toMatchObject({ code: 'TIMEOUT' });
  });

  it('backs off exponentially up to the cap', () => {
    const options = retryOptionsSchema.parse({ baseDelayMs: 100, maxDelayMs: 1_000 });
    expect(backoffDelay(1, options)).toBeGreaterThanOrEqual(90);
    expect(backoffDelay(1, options)).toBeLessThanOrEqual(110);
    expect(backoffDelay(3, options)).toBeGreaterThanOrEqual(360);
    expect(backoffDelay(3, options)).toBeLessThanOrEqual(440);
    expect(backoffDelay(10, options)).toBeLessThanOrEqual(1_100);
  });
});
