import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { withDeadline } from './deadline.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves with the signal's reason once it aborts. */
const aborted = (signal: AbortSignal): Promise<unknown> => new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));

describe('withDeadline', () => {
  it('aborts with a TimeoutError after the time, also when garbage collections run meanwhile', async () => {
    const parent = new AbortController();
    const reason = await withDeadline(100, parent.signal, async (signal) => {
      for (let i = 0; i < 3; i++) {
        gc(); // AbortSignal.any([AbortSignal.timeout(100), parent]) never aborts after this on Node 20
        await sleep(5);
      }
      return Promise.race([aborted(signal), sleep(2_000).then(() => 'never aborted')]);
    });
    expect(reason).toMatchObject({ name: 'TimeoutError' });
  });

  it('aborts with the parent’s reason when the parent aborts first, and at once if it already has', async () => {
    const parent = new AbortController();
    const why = new Error('closing');
    const reason = await withDeadline(10_000, parent.signal, async (signal) => {
      setTimeout(() => parent.abort(why), 10);
      return aborted(signal);
    });
    expect(reason).toBe(why);
    expect(await withDeadline(10_000, parent.signal, async (signal) => [signal.aborted, signal.reason])).toEqual([true, why]);
  });

  it('returns what the work returns, passes its error through, and leaves no listener on the parent', async () => {
    const parent = new AbortController();
    let inner: AbortSignal | undefined;
    expect(await withDeadline(50, parent.signal, async (signal) => ((inner = signal), 7))).toBe(7);
    await expect(withDeadline(50, parent.signal, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await sleep(80);
    expect(inner?.aborted).toBe(false); // the timer was cleared with the work
    parent.abort();
    expect(inner?.aborted).toBe(false); // and the parent no longer reaches it
  });
});
