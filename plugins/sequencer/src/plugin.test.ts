import { describe, expect, it } from 'vitest';
import { BLOCK_PRODUCER, CHAIN_HEAD, MetisError, TX_POOL, configIssues, validateConfig } from '@metis/core';
import { sequencer, sequencerOptionsSchema } from './index.js';
import { buildNode } from './testing/fakes.js';

describe('sequencer plugin', () => {
  it('declares the order stage, what it needs and what it provides', () => {
    const { definition } = sequencer();
    expect(definition.id).toBe('sequencer');
    expect(definition.stages).toEqual(['order']);
    expect(definition.requires).toEqual([TX_POOL, CHAIN_HEAD]);
    expect(definition.provides).toEqual([BLOCK_PRODUCER]);
  });

  it('fills in defaults', () => {
    expect(sequencerOptionsSchema.parse(undefined)).toEqual({ blockTime: 1000, maxTxsPerBlock: 10_000, candidateGasFactor: 4 });
    expect(sequencerOptionsSchema.parse({ blockTime: 'instant' })).toEqual({ blockTime: 'instant', maxTxsPerBlock: 10_000, candidateGasFactor: 4 });
  });

  it.each([
    [{ blockTime: 10 }, 'blockTime'],
    [{ blockTime: 'fast' }, 'blockTime'],
    [{ maxTxsPerBlock: 0 }, 'maxTxsPerBlock'],
    [{ blocktime: 100 }, '(root)'],
  ])('rejects %j', (options, path) => {
    let error: unknown;
    try {
      validateConfig({ chainId: 1, plugins: [sequencer(options as never)] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MetisError);
    const issues = configIssues(error as MetisError);
    expect(issues.some((i) => i.path.startsWith('plugins[0].sequencer') && i.path.includes(path === '(root)' ? '' : path))).toBe(true);
  });

  it('orders a block from the pool, capped at maxTxsPerBlock', async () => {
    const t = await buildNode([sequencer({ blockTime: 60_000, maxTxsPerBlock: 2 })]);
    try {
      for (let i = 0; i < 3; i++) t.pool.txs.push(t.pool.nextTx());
      const template = t.chain.nextTemplate(1n);
      const ctx = await t.node.stages.run('order', { template, txs: [], meta: {} });
      expect(ctx.txs).toEqual(t.pool.txs.slice(0, 2));
    } finally {
      await t.close();
    }
  });

  it('asks the pool for candidates up to candidateGasFactor times the block gas limit', async () => {
    const t = await buildNode([sequencer({ blockTime: 60_000, candidateGasFactor: 3 })]);
    try {
      const template = t.chain.nextTemplate(1n);
      await t.node.stages.run('order', { template, txs: [], meta: {} });
      expect(t.pool.lastTemplate?.gasLimit).toBe(template.gasLimit * 3n);
      expect(t.pool.lastTemplate?.number).toBe(template.number);
    } finally {
      await t.close();
    }
  });
});
