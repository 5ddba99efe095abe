import { describe, expect, it, vi } from 'vitest';
import { BLOCK_PRODUCER, CHAIN_HEAD, MetisError, TX_POOL, configIssues, validateConfig } from '@metis/core';
import { sequencer, sequencerOptionsSchema } from './index.js';
import { FakeDepositQueue, buildNode, testDeposits } from './testing/fakes.js';

describe('sequencer plugin', () => {
  it('declares the order stage, what it needs and what it provides', () => {
    const { definition } = sequencer();
    expect(definition.id).toBe('sequencer');
    expect(definition.stages).toEqual(['order']);
    expect(definition.requires).toEqual([TX_POOL, CHAIN_HEAD]);
    expect(definition.provides).toEqual([BLOCK_PRODUCER]);
  });

  it('fills in defaults', () => {
    expect(sequencerOptionsSchema.parse(undefined)).toEqual({ blockTime: 1000, maxTxsPerBlock: 10_000, candidateGasFactor: 4, maxDepositsPerBlock: 256 });
    expect(sequencerOptionsSchema.parse({ blockTime: 'instant' })).toEqual({ blockTime: 'instant', maxTxsPerBlock: 10_000, candidateGasFactor: 4, maxDepositsPerBlock: 256 });
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
      const ctx = await t.node.stages.run('order', { template, deposits: [], txs: [], meta: {} });
      expect(ctx.txs).toEqual(t.pool.txs.slice(0, 2));
    } finally {
      await t.close();
    }
  });

  it('asks the pool for candidates up to candidateGasFactor times the block gas limit', async () => {
    const t = await buildNode([sequencer({ blockTime: 60_000, candidateGasFactor: 3 })]);
    try {
      const template = t.chain.nextTemplate(1n);
      await t.node.stages.run('order', { template, deposits: [], txs: [], meta: {} });
      expect(t.pool.lastTemplate?.gasLimit).toBe(template.gasLimit * 3n);
      expect(t.pool.lastTemplate?.number).toBe(template.number);
    } finally {
      await t.close();
    }
  });

  it('orders no deposits without a deposit queue', async () => {
    const t = await buildNode([sequencer({ blockTime: 60_000 })]);
    try {
      const ctx = await t.node.stages.run('order', { template: t.chain.nextTemplate(1n), deposits: [], txs: [], meta: {} });
      expect(ctx.deposits).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('credits every ready deposit from the chain\'s deposit count on, up to maxDepositsPerBlock', async () => {
    const queue = new FakeDepositQueue();
    const t = await buildNode([testDeposits(queue), sequencer({ blockTime: 60_000, maxDepositsPerBlock: 3 })]);
    try {
      queue.add(5);
      const first = await t.node.stages.run('order', { template: t.chain.nextTemplate(1n), deposits: [], txs: [], meta: {} });
      expect(first.deposits.map((d) => d.index)).toEqual([0n, 1n, 2n]);
      const template = { ...t.chain.nextTemplate(1n), depositCount: 3n };
      const second = await t.node.stages.run('order', { template, deposits: [], txs: [], meta: {} });
      expect(second.deposits.map((d) => d.index)).toEqual([3n, 4n]);
    } finally {
      await t.close();
    }
  });

  it('in instant mode, makes a block as soon as deposits are ready, with no transaction waiting', async () => {
    const queue = new FakeDepositQueue();
    const t = await buildNode([testDeposits(queue), sequencer({ blockTime: 'instant', maxDepositsPerBlock: 2 })]);
    try {
      await t.node.start();
      expect(await t.node.container.resolve(BLOCK_PRODUCER).produce()).toBeUndefined();
      queue.add(3);
      await vi.waitFor(() => expect(t.chain.head().depositCount).toBe(3n));
      expect([...t.chain.credited.values()].map((ds) => ds.map((d) => d.index))).toEqual([[0n, 1n], [2n]]);
      expect(t.blocks.every((b) => b.txHashes.length === 0)).toBe(true);
    } finally {
      await t.close();
    }
  });
});
