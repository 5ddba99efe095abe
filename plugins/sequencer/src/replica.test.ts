import { describe, expect, it } from 'vitest';
import { BLOCK_PRODUCER, rootMetisError } from '@metis/core';
import { sequencer } from './index.js';
import { buildNode, sleep, submit } from './testing/fakes.js';

describe('sequencer plugin on a replica', () => {
  it('runs no block loop and refuses produce() with NODE_STATE; the order provider still answers', async () => {
    const t = await buildNode([sequencer({ blockTime: 'instant' })], { role: 'replica' });
    try {
      await t.node.start();
      await submit(t.node, 3);
      await sleep(50);
      expect(t.blocks).toEqual([]);
      const failure = await t.node.container.resolve(BLOCK_PRODUCER).produce().catch((e: unknown) => e);
      expect(rootMetisError(failure)?.is('NODE_STATE')).toBe(true);
      expect((failure as Error).message).toMatch(/read-only replica/);
      const ctx = await t.node.stages.run('order', { template: t.chain.nextTemplate(1n), deposits: [], txs: [], meta: {} });
      expect(ctx.txs).toHaveLength(3);
    } finally {
      await t.close();
    }
  });
});
