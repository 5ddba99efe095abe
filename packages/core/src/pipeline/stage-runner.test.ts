import { describe, expect, it } from 'vitest';
import { MetisError, rootMetisError } from '../errors/metis-error.js';
import { StageError } from '../errors/stage-error.js';
import type { PooledTx } from '../types/chain.js';
import { StageRunner } from './stage-runner.js';
import { STAGES, type OrderContext } from './stages.js';

const template = { number: 1n, parentHash: '0x00', timestamp: 0n, gasLimit: 30_000_000n } as const;
const orderCtx = (): OrderContext => ({ template, txs: [], meta: {} });
const fakeTx = (n: number): PooledTx => ({ hash: `0x${n}` }) as unknown as PooledTx;

/** A runner where every stage has a no-op provider from plugin "base". */
function fullRunner(except: string[] = []): StageRunner {
  const runner = new StageRunner();
  for (const stage of STAGES) if (!except.includes(stage)) runner.provide(stage, 'base', () => undefined);
  return runner;
}

function thrown(fn: () => unknown): MetisError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MetisError);
    return e as MetisError;
  }
  throw new Error('expected a throw');
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('StageRunner', () => {
  it('lists the five stages in pipeline order', () => {
    expect(STAGES).toEqual(['ingest', 'order', 'execute', 'commit', 'prove']);
  });

  it('runs middleware in registration order around the provider and resolves with the context', async () => {
    const runner = fullRunner(['order']);
    const log: string[] = [];
    runner.use('order', 'a', async (_c, next) => {
      log.push('a:before');
      await next();
      log.push('a:after');
    });
    runner.provide('order', 'provider', (c) => {
      log.push('provider');
      c.txs = [fakeTx(1), fakeTx(2)];
    });
    runner.use('order', 'b', async (c, next) => {
      log.push('b:before');
      c.meta.b = true;
      await next();
      log.push(`b:after:${c.txs.length}`);
      c.txs = c.txs.slice(0, 1);
    });
    runner.seal();
    const ctx = orderCtx();
    const out = await runner.run('order', ctx);
    expect(out).toBe(ctx);
    expect(log).toEqual(['a:before', 'b:before', 'provider', 'b:after:2', 'a:after']);
    expect(ctx.txs).toHaveLength(1);
    expect(ctx.meta).toEqual({ b: true });
  });

  it('keeps stages separate: middleware of one stage does not wrap another', async () => {
    const runner = fullRunner();
    const log: string[] = [];
    runner.use('execute', 'mw', async (_c, next) => {
      log.push('execute-mw');
      await next();
    });
    runner.seal();
    await runner.run('order', orderCtx());
    expect(log).toEqual([]);
  });

  it('reports which plugin provides a stage', () => {
    const runner = fullRunner(['commit']);
    runner.provide('commit', 'settlement', () => undefined);
    expect(runner.providerOf('commit')).toBe('settlement');
    expect(runner.providerOf('order')).toBe('base');
    expect(new StageRunner().providerOf('ingest')).toBeUndefined();
  });

  it('rejects a second provider for a stage with STAGE_PROVIDER_CONFLICT', () => {
    const runner = new StageRunner();
    runner.provide('execute', 'evm', () => undefined);
    const err = thrown(() => runner.provide('execute', 'other-vm', () => undefined));
    expect(err.is('STAGE_PROVIDER_CONFLICT')).toBe(true);
    expect(err.code).toBe('METIS-303');
    expect(err.args).toMatchObject({ stage: 'execute', first: 'evm', second: 'other-vm' });
    expect(runner.providerOf('execute')).toBe('evm');
  });

  it('rejects sealing while a stage has no provider with STAGE_PROVIDER_MISSING', () => {
    const err = thrown(() => fullRunner(['prove']).seal());
    expect(err.is('STAGE_PROVIDER_MISSING')).toBe(true);
    expect(err.code).toBe('METIS-302');
    expect(err.args).toMatchObject({ stage: 'prove' });
    expect(thrown(() => new StageRunner().seal()).is('STAGE_PROVIDER_MISSING')).toBe(true);
  });

  it('rejects registrations after seal', () => {
    const runner = fullRunner();
    runner.seal();
    const e1 = thrown(() => runner.use('order', 'late', async (_c, next) => next()));
    expect(e1.is('NODE_STATE')).toBe(true);
    expect(e1.code).toBe('METIS-109');
    expect(thrown(() => runner.provide('order', 'late', () => undefined)).is('NODE_STATE')).toBe(true);
  });

  it('seal is idempotent', async () => {
    const runner = fullRunner();
    runner.seal();
    expect(() => runner.seal()).not.toThrow();
    await expect(runner.run('order', orderCtx())).resolves.toBeDefined();
  });

  it('refuses to run before seal', async () => {
    const runner = fullRunner();
    const err = (await rejection(runner.run('order', orderCtx()))) as MetisError;
    expect(err).toBeInstanceOf(MetisError);
    expect(err.is('NODE_STATE')).toBe(true);
  });

  it('next() twice in a middleware fails the run with a StageError naming that plugin', async () => {
    const runner = fullRunner();
    runner.use('order', 'fine', async (_c, next) => next());
    runner.use('order', 'twice', async (_c, next) => {
      await next();
      await next();
    });
    runner.seal();
    const err = (await rejection(runner.run('order', orderCtx()))) as StageError;
    expect(err).toBeInstanceOf(StageError);
    expect(err.code).toBe('METIS-301');
    expect(err.stage).toBe('order');
    expect(err.plugin).toBe('twice');
    expect(rootMetisError(err)?.is('MIDDLEWARE_NEXT_TWICE')).toBe(true);
  });

  it('a provider error reaches the caller wrapped once, naming stage and provider plugin', async () => {
    const runner = fullRunner(['ingest']);
    const inner = new MetisError('TX_MALFORMED', { reason: 'rlp' });
    const seen: unknown[] = [];
    runner.use('ingest', 'outer', async (_c, next) => {
      try {
        await next();
      } catch (e) {
        seen.push(e);
        throw e;
      }
    });
    runner.use('ingest', 'inner', async (_c, next) => next());
    runner.provide('ingest', 'mempool', () => {
      throw inner;
    });
    runner.seal();
    const err = (await rejection(runner.run('ingest', { raw: new Uint8Array(), source: 'rpc', meta: {} }))) as StageError;
    expect(err).toBeInstanceOf(StageError);
    expect(err.stage).toBe('ingest');
    expect(err.plugin).toBe('mempool');
    expect(err.cause).toBe(inner);
    expect(seen).toEqual([err]);
    expect(rootMetisError(err)).toBe(inner);
    expect(rootMetisError(err)?.code).toBe('METIS-401');
  });

  it('an outer middleware can translate a provider error', async () => {
    const runner = fullRunner(['order']);
    runner.use('order', 'fallback', async (c, next) => {
      try {
        await next();
      } catch {
        c.txs = [];
        c.meta.fallback = true;
      }
    });
    runner.provide('order', 'sequencer', async () => {
      throw new Error('pool unavailable');
    });
    runner.seal();
    const ctx = await runner.run('order', orderCtx());
    expect(ctx.meta.fallback).toBe(true);
  });
});
