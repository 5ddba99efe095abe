import { describe, expect, it } from 'vitest';
import { MetisError, rootMetisError } from '../errors/metis-error.js';
import { StageError } from '../errors/stage-error.js';
import { compose, type Layer, type Middleware } from './compose.js';

interface Ctx {
  log: string[];
  value: number;
}

const ctx = (): Ctx => ({ log: [], value: 0 });

/** A middleware that logs around next(). */
const around =
  (name: string): Middleware<Ctx> =>
  async (c, next) => {
    c.log.push(`${name}:before`);
    await next();
    c.log.push(`${name}:after`);
  };

const layer = (plugin: string, fn: Middleware<Ctx>): Layer<Ctx> => ({ plugin, fn });

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('compose', () => {
  it('runs layers as an onion: a -> b -> provider -> b -> a', async () => {
    const run = compose<Ctx>('order', [
      layer('a', around('a')),
      layer('b', around('b')),
      layer('p', (c) => {
        c.log.push('provider');
      }),
    ]);
    const c = ctx();
    await run(c);
    expect(c.log).toEqual(['a:before', 'b:before', 'provider', 'b:after', 'a:after']);
  });

  it('resolves for an empty onion and for a last layer that calls next', async () => {
    await expect(compose<Ctx>('order', [])(ctx())).resolves.toBeUndefined();
    const c = ctx();
    await compose<Ctx>('order', [layer('a', around('a'))])(c);
    expect(c.log).toEqual(['a:before', 'a:after']);
  });

  it('shares one ctx: mutations by inner layers are visible to outer layers and vice versa', async () => {
    const seen: number[] = [];
    const run = compose<Ctx>('execute', [
      layer('outer', async (c, next) => {
        c.value = 1;
        await next();
        seen.push(c.value);
        c.value *= 10;
      }),
      layer('provider', (c) => {
        seen.push(c.value);
        c.value += 1;
      }),
    ]);
    const c = ctx();
    await run(c);
    expect(seen).toEqual([1, 2]);
    expect(c.value).toBe(20);
  });

  it('a layer that does not call next short-circuits the inner layers', async () => {
    const c = ctx();
    await compose<Ctx>('ingest', [
      layer('gate', (cx) => {
        cx.log.push('gate');
      }),
      layer('provider', (cx) => {
        cx.log.push('provider');
      }),
    ])(c);
    expect(c.log).toEqual(['gate']);
  });

  it('waits for asynchronous inner work before the outer layer continues', async () => {
    const c = ctx();
    await compose<Ctx>('commit', [
      layer('a', around('a')),
      layer('slow', async (cx) => {
        await new Promise((r) => setTimeout(r, 10));
        cx.log.push('slow');
      }),
    ])(c);
    expect(c.log).toEqual(['a:before', 'slow', 'a:after']);
  });

  it('each run is independent (the same composed function can run many contexts)', async () => {
    const run = compose<Ctx>('order', [layer('a', around('a')), layer('p', () => undefined)]);
    const [c1, c2] = [ctx(), ctx()];
    await Promise.all([run(c1), run(c2)]);
    await run(c1);
    expect(c1.log).toEqual(['a:before', 'a:after', 'a:before', 'a:after']);
    expect(c2.log).toEqual(['a:before', 'a:after']);
  });

  it('next() called twice rejects with MIDDLEWARE_NEXT_TWICE, wrapped in a StageError naming the offender', async () => {
    let providerRuns = 0;
    const run = compose<Ctx>('order', [
      layer('outer', around('outer')),
      layer('greedy', async (_c, next) => {
        await next();
        await next();
      }),
      layer('provider', () => {
        providerRuns += 1;
      }),
    ]);
    const err = await rejection(run(ctx()));
    expect(err).toBeInstanceOf(StageError);
    const stageErr = err as StageError;
    expect(stageErr.code).toBe('METIS-301');
    expect(stageErr.stage).toBe('order');
    expect(stageErr.plugin).toBe('greedy');
    const cause = stageErr.cause as MetisError;
    expect(cause).toBeInstanceOf(MetisError);
    expect(cause.is('MIDDLEWARE_NEXT_TWICE')).toBe(true);
    expect(cause.code).toBe('METIS-304');
    expect(cause.args).toMatchObject({ stage: 'order', plugin: 'greedy' });
    expect(rootMetisError(err)?.is('MIDDLEWARE_NEXT_TWICE')).toBe(true);
    expect(providerRuns).toBe(1);
  });

  it('an error thrown deep propagates through every outer layer, wrapped once with the thrower', async () => {
    const original = new Error('boom');
    const seenByOuter: unknown[] = [];
    const observer =
      (name: string): Middleware<Ctx> =>
      async (c, next) => {
        c.log.push(`${name}:before`);
        try {
          await next();
        } catch (e) {
          seenByOuter.push(e);
          c.log.push(`${name}:caught`);
          throw e;
        }
        c.log.push(`${name}:after`);
      };
    const run = compose<Ctx>('execute', [
      layer('a', observer('a')),
      layer('b', observer('b')),
      layer('c', around('c')),
      layer('thrower', () => {
        throw original;
      }),
    ]);
    const c = ctx();
    const err = await rejection(run(c));
    expect(c.log).toEqual(['a:before', 'b:before', 'c:before', 'b:caught', 'a:caught']);
    expect(err).toBeInstanceOf(StageError);
    const stageErr = err as StageError;
    expect(stageErr.code).toBe('METIS-301');
    expect(stageErr.is('STAGE_FAILED')).toBe(true);
    expect(stageErr.stage).toBe('execute');
    expect(stageErr.plugin).toBe('thrower');
    expect(stageErr.cause).toBe(original);
    // Wrapped once: every outer layer saw the very same StageError, and its cause is not another StageError.
    expect(seenByOuter).toHaveLength(2);
    expect(seenByOuter[0]).toBe(err);
    expect(seenByOuter[1]).toBe(err);
    expect(stageErr.cause).not.toBeInstanceOf(StageError);
  });

  it('rootMetisError finds a MetisError thrown by the provider under the StageError', async () => {
    const inner = new MetisError('TX_NONCE_TOO_LOW', { sender: '0xabc', nonce: 1, expected: 2 });
    const run = compose<Ctx>('ingest', [
      layer('mw', around('mw')),
      layer('mempool', async () => {
        throw inner;
      }),
    ]);
    const err = await rejection(run(ctx()));
    expect(err).toBeInstanceOf(StageError);
    expect((err as StageError).plugin).toBe('mempool');
    expect((err as StageError).cause).toBe(inner);
    expect(rootMetisError(err)).toBe(inner);
    expect(rootMetisError(err)?.code).toBe('METIS-405');
  });

  it('handles synchronous throws (not only rejections) in middleware and provider', async () => {
    const syncMw = compose<Ctx>('order', [
      layer('sync-mw', () => {
        throw new Error('sync mw');
      }),
      layer('p', () => undefined),
    ]);
    const e1 = (await rejection(syncMw(ctx()))) as StageError;
    expect(e1).toBeInstanceOf(StageError);
    expect(e1.plugin).toBe('sync-mw');

    const syncProvider = compose<Ctx>('order', [
      layer('outer', around('outer')),
      layer('sync-provider', () => {
        throw new Error('sync provider');
      }),
    ]);
    const e2 = (await rejection(syncProvider(ctx()))) as StageError;
    expect(e2).toBeInstanceOf(StageError);
    expect(e2.plugin).toBe('sync-provider');
    expect((e2.cause as Error).message).toBe('sync provider');
  });

  it('wraps non-Error throwables too', async () => {
    const err = (await rejection(
      compose<Ctx>('prove', [
        layer('weird', () => {
          throw 'a string';
        }),
      ])(ctx()),
    )) as StageError;
    expect(err).toBeInstanceOf(StageError);
    expect(err.cause).toBe('a string');
    expect(err.plugin).toBe('weird');
  });

  it('an outer middleware can catch and swallow an inner error', async () => {
    const c = ctx();
    await compose<Ctx>('order', [
      layer('rescuer', async (cx, next) => {
        try {
          await next();
        } catch (e) {
          cx.log.push(`rescued ${(e as StageError).plugin}`);
        }
      }),
      layer('p', () => {
        throw new Error('nope');
      }),
    ])(c);
    expect(c.log).toEqual(['rescued p']);
  });

  it('an outer middleware can translate an error; the translation is attributed to the translator', async () => {
    const translated = new MetisError('TX_UNDERPRICED', { fee: 1, minimum: 2 });
    const run = compose<Ctx>('ingest', [
      layer('outermost', around('outermost')),
      layer('translator', async (_c, next) => {
        try {
          await next();
        } catch (e) {
          if (e instanceof StageError && e.plugin === 'p') throw translated;
          throw e;
        }
      }),
      layer('p', () => {
        throw new Error('low fee');
      }),
    ]);
    const err = (await rejection(run(ctx()))) as StageError;
    expect(err).toBeInstanceOf(StageError);
    expect(err.plugin).toBe('translator');
    expect(err.cause).toBe(translated);
    expect(rootMetisError(err)).toBe(translated);
  });

  it('an outer middleware can rethrow its own StageError unchanged', async () => {
    const own = new StageError('ingest', 'custom', new Error('x'));
    const err = await rejection(
      compose<Ctx>('ingest', [
        layer('outer', async (_c, next) => {
          await next().catch(() => {
            throw own;
          });
        }),
        layer('p', () => {
          throw new Error('inner');
        }),
      ])(ctx()),
    );
    expect(err).toBe(own);
  });
});
