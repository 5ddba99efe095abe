import { describe, expect, it } from 'vitest';
import { MetisError } from '../errors/metis-error.js';
import { Lifecycle } from './lifecycle.js';

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** A lifecycle with three owners that log their start and stop. */
function logged(): { lc: Lifecycle; log: string[] } {
  const lc = new Lifecycle();
  const log: string[] = [];
  for (const owner of ['a', 'b', 'c']) {
    lc.onStart(owner, async () => {
      await tick(1);
      log.push(`start:${owner}`);
    });
    lc.onStop(owner, async () => {
      await tick(1);
      log.push(`stop:${owner}`);
    });
  }
  return { lc, log };
}

describe('Lifecycle', () => {
  it('starts in registration order and stops in reverse', async () => {
    const { lc, log } = logged();
    expect(lc.status).toBe('idle');
    await lc.start();
    expect(lc.status).toBe('running');
    expect(log).toEqual(['start:a', 'start:b', 'start:c']);
    await lc.stop();
    expect(lc.status).toBe('stopped');
    expect(log.slice(3)).toEqual(['stop:c', 'stop:b', 'stop:a']);
  });

  it('waits for each start hook before running the next', async () => {
    const lc = new Lifecycle();
    const log: string[] = [];
    lc.onStart('slow', async () => {
      await tick(20);
      log.push('slow done');
    });
    lc.onStart('fast', () => {
      log.push('fast');
    });
    await lc.start();
    expect(log).toEqual(['slow done', 'fast']);
  });

  it('stop is idempotent: repeated calls run the hooks once', async () => {
    const { lc, log } = logged();
    await lc.start();
    await lc.stop();
    await lc.stop();
    expect(log.filter((l) => l.startsWith('stop:'))).toEqual(['stop:c', 'stop:b', 'stop:a']);
  });

  it('concurrent stop calls share one run', async () => {
    const { lc, log } = logged();
    await lc.start();
    const p1 = lc.stop();
    const p2 = lc.stop();
    expect(p2).toBe(p1);
    expect(lc.status).toBe('stopping');
    await Promise.all([p1, p2, lc.stop()]);
    expect(log.filter((l) => l.startsWith('stop:'))).toEqual(['stop:c', 'stop:b', 'stop:a']);
  });

  it('cannot start twice, nor after stop', async () => {
    const { lc } = logged();
    await lc.start();
    const e1 = (await rejection(lc.start())) as MetisError;
    expect(e1).toBeInstanceOf(MetisError);
    expect(e1.is('NODE_STATE')).toBe(true);
    expect(e1.code).toBe('METIS-109');
    await lc.stop();
    expect(((await rejection(lc.start())) as MetisError).is('NODE_STATE')).toBe(true);
  });

  it('a failing start hook stops everything (every stop hook, reverse order) and rethrows the original error', async () => {
    const lc = new Lifecycle();
    const log: string[] = [];
    const failure = new Error('port in use');
    lc.onStart('a', () => void log.push('start:a'));
    lc.onStart('b', () => {
      throw failure;
    });
    lc.onStart('c', () => void log.push('start:c'));
    for (const owner of ['a', 'b', 'c']) lc.onStop(owner, () => void log.push(`stop:${owner}`));
    const err = await rejection(lc.start());
    expect(err).toBe(failure);
    expect(log).toEqual(['start:a', 'stop:c', 'stop:b', 'stop:a']);
    expect(lc.status).toBe('stopped');
    // A later stop does not run the hooks again.
    await lc.stop();
    expect(log).toHaveLength(4);
  });

  it('a failing start hook rethrows its own error even when a stop hook also fails', async () => {
    const lc = new Lifecycle();
    const failure = new Error('start failed');
    lc.onStart('a', () => {
      throw failure;
    });
    lc.onStop('a', () => {
      throw new Error('cannot stop what never started');
    });
    expect(await rejection(lc.start())).toBe(failure);
    expect(lc.status).toBe('stopped');
  });

  it('a failing stop hook does not keep the others from running; its error is reported', async () => {
    const lc = new Lifecycle();
    const log: string[] = [];
    const failure = new Error('close failed');
    lc.onStop('a', () => void log.push('stop:a'));
    lc.onStop('b', () => {
      throw failure;
    });
    lc.onStop('c', () => void log.push('stop:c'));
    await lc.start();
    expect(await rejection(lc.stop())).toBe(failure);
    expect(log).toEqual(['stop:c', 'stop:a']);
    expect(lc.status).toBe('stopped');
  });

  it('several failing stop hooks are reported together in an AggregateError', async () => {
    const lc = new Lifecycle();
    const e1 = new Error('one');
    const e2 = new Error('two');
    lc.onStop('a', () => Promise.reject(e1));
    lc.onStop('b', () => {
      throw e2;
    });
    const err = await rejection(lc.stop());
    expect(err).toBeInstanceOf(AggregateError);
    expect((err as AggregateError).errors).toEqual([e2, e1]);
  });

  it('stop without start runs the stop hooks (they must tolerate a plugin that never started)', async () => {
    const { lc, log } = logged();
    await lc.stop();
    expect(log).toEqual(['stop:c', 'stop:b', 'stop:a']);
  });

  it('stop called while starting waits for the running start hook and starts no further plugin', async () => {
    const lc = new Lifecycle();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    lc.onStart('a', () => void log.push('start:a'));
    lc.onStart('b', async () => {
      log.push('start:b:begin');
      await gate;
      log.push('start:b:end');
    });
    lc.onStart('c', () => void log.push('start:c'));
    for (const owner of ['a', 'b', 'c']) lc.onStop(owner, () => void log.push(`stop:${owner}`));

    const starting = lc.start().catch((e: unknown) => e);
    await tick();
    expect(log).toEqual(['start:a', 'start:b:begin']);
    const stopping = lc.stop();
    await tick();
    // b is still starting: nothing is stopped under its feet.
    expect(log).toEqual(['start:a', 'start:b:begin']);
    release();
    await stopping;
    const startResult = await starting;
    expect(log).toEqual(['start:a', 'start:b:begin', 'start:b:end', 'stop:c', 'stop:b', 'stop:a']);
    expect(lc.status).toBe('stopped');
    expect(startResult).toBeInstanceOf(MetisError);
    expect((startResult as MetisError).is('NODE_STATE')).toBe(true);
  });
});
