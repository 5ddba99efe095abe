import { afterEach, describe, expect, it } from 'vitest';
import { BLOCK_PRODUCER, MetisError, type SealedBlock } from '@metis/core';
import { sequencer } from './index.js';
import { buildNode, gate, memoryLogger, sleep, submit, until, type TestNode } from './testing/fakes.js';

let open: TestNode[] = [];
afterEach(async () => {
  await Promise.all(open.map((t) => t.close()));
  open = [];
});

async function started(...args: Parameters<typeof buildNode>): Promise<TestNode> {
  const t = await buildNode(...args);
  open.push(t);
  await t.node.start();
  return t;
}

const numbers = (blocks: readonly SealedBlock[]): bigint[] => blocks.map((b) => b.number);
const consecutive = (n: number): bigint[] => Array.from({ length: n }, (_, i) => BigInt(i + 1));

describe('sequencer with a block time', () => {
  it('makes a block every blockTime, also when no transaction waits', async () => {
    const starts: number[] = [];
    const t = await buildNode([sequencer({ blockTime: 60 })]);
    open.push(t);
    t.chain.hook = () => void starts.push(Date.now());
    await t.node.start();
    await until(() => t.blocks.length >= 4, 5_000, '4 blocks');

    expect(numbers(t.blocks.slice(0, 4))).toEqual(consecutive(4));
    expect(t.blocks.every((b) => b.txHashes.length === 0)).toBe(true);
    // Each block starts a block time after the previous one started (a timer chain, not a burst).
    for (let i = 1; i < 4; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(45);
    // The pool hears about every block.
    await until(() => t.pool.onBlockCalls.length >= 4);
    expect(t.pool.onBlockCalls.slice(0, 4).map((c) => c.block)).toEqual(t.blocks.slice(0, 4));
  });

  it('puts waiting transactions in the next block, at most maxTxsPerBlock of them', async () => {
    const t = await started([sequencer({ blockTime: 50, maxTxsPerBlock: 3 })]);
    await submit(t.node, 5);
    await until(() => t.pool.txs.length === 0, 5_000, 'pool to drain');
    const withTxs = t.blocks.filter((b) => b.txHashes.length > 0);
    expect(withTxs.map((b) => b.txHashes.length)).toEqual([3, 2]);
    expect(numbers(t.blocks)).toEqual(consecutive(t.blocks.length));
  });

  it('never builds two blocks at once, even when a block takes longer than the block time', async () => {
    const t = await buildNode([sequencer({ blockTime: 50 })]);
    open.push(t);
    t.chain.hook = () => sleep(80);
    await t.node.start();
    const producer = t.node.container.resolve(BLOCK_PRODUCER);
    const asked = [producer.produce(), producer.produce()];
    await until(() => t.blocks.length >= 5, 10_000, '5 blocks');
    await Promise.all(asked);
    expect(t.chain.maxActive).toBe(1);
    expect(numbers(t.blocks)).toEqual(consecutive(t.blocks.length));
  });

  it('logs a failing block, retries with a doubling delay and keeps going', async () => {
    const { logger, lines } = memoryLogger('error');
    const t = await buildNode([sequencer({ blockTime: 50 })], { logger });
    open.push(t);
    let failuresLeft = 3;
    t.chain.hook = () => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('disk on fire');
      }
    };
    await t.node.start();
    await until(() => t.blocks.length >= 2, 5_000, 'blocks after the failures');

    const failures = lines.filter((l) => l.msg === 'block production failed; retrying');
    expect(failures).toHaveLength(3);
    expect(failures.map((l) => l.retryInMs)).toEqual([50, 100, 200]);
    expect(failures.every((l) => l.plugin === 'sequencer' && String(l.err.message).includes('disk on fire'))).toBe(true);
    expect(failures[0]!.err.message).toContain('Stage "execute" failed in plugin "test-chain"');
    expect(numbers(t.blocks)).toEqual(consecutive(t.blocks.length));

    // After a success the delay starts over.
    failuresLeft = 1;
    const before = t.blocks.length;
    await until(() => t.blocks.length >= before + 2, 5_000, 'blocks after the second failure');
    const later = lines.filter((l) => l.msg === 'block production failed; retrying');
    expect(later.map((l) => l.retryInMs)).toEqual([50, 100, 200, 50]);
  });
});

describe('sequencer in instant mode', () => {
  it('makes no block while nothing waits, and no empty blocks', async () => {
    const t = await started([sequencer({ blockTime: 'instant' })]);
    await sleep(100);
    expect(t.blocks).toHaveLength(0);
    await submit(t.node, 1);
    await until(() => t.blocks.length === 1);
    await sleep(100);
    expect(t.blocks).toHaveLength(1);
    expect(t.blocks[0]!.txHashes).toHaveLength(1);
  });

  it('makes a block at start for transactions already waiting', async () => {
    const t = await buildNode([sequencer({ blockTime: 'instant' })]);
    open.push(t);
    t.pool.txs.push(t.pool.nextTx(), t.pool.nextTx());
    await t.node.start();
    await until(() => t.blocks.length === 1);
    expect(t.blocks[0]!.txHashes).toHaveLength(2);
  });

  it('coalesces a burst of transactions into one block', async () => {
    const t = await started([sequencer({ blockTime: 'instant' })]);
    await submit(t.node, 20); // no macrotask in between: one setImmediate
    await until(() => t.pool.txs.length === 0);
    expect(t.blocks).toHaveLength(1);
    expect(t.blocks[0]!.txHashes).toHaveLength(20);
  });

  it('goes again at once while transactions still wait after a block', async () => {
    const t = await started([sequencer({ blockTime: 'instant', maxTxsPerBlock: 2 })]);
    await submit(t.node, 5);
    await until(() => t.pool.txs.length === 0);
    expect(t.blocks.map((b) => b.txHashes.length)).toEqual([2, 2, 1]);
  });

  it('produces one block at a time while transactions keep arriving', async () => {
    const t = await buildNode([sequencer({ blockTime: 'instant' })]);
    open.push(t);
    t.chain.hook = () => sleep(15);
    await t.node.start();
    const producer = t.node.container.resolve(BLOCK_PRODUCER);
    for (let wave = 0; wave < 5; wave++) {
      await submit(t.node, 3);
      void producer.produce();
      await sleep(7);
    }
    await until(() => t.pool.txs.length === 0 && t.chain.active === 0);
    expect(t.chain.maxActive).toBe(1);
    expect(numbers(t.blocks)).toEqual(consecutive(t.blocks.length));
    expect(t.blocks.flatMap((b) => b.txHashes)).toHaveLength(15);
    expect(t.blocks.every((b) => b.txHashes.length > 0)).toBe(true);
  });

  it('tells the pool which transactions a block included and which it dropped', async () => {
    const t = await buildNode([sequencer({ blockTime: 'instant' })]);
    open.push(t);
    t.chain.drop = (tx) => tx.nonce % 2n === 0n;
    await t.node.start();
    await submit(t.node, 4);
    await until(() => t.pool.onBlockCalls.length === 1);
    const [call] = t.pool.onBlockCalls;
    expect(call!.block).toBe(t.blocks[0]);
    expect(call!.block.txHashes).toHaveLength(2);
    expect(call!.dropped.map((tx) => tx.nonce)).toEqual([2n, 4n]);
    expect(t.pool.txs).toHaveLength(0);
  });

  it('retries a failing block until the waiting transactions are in', async () => {
    const { logger, lines } = memoryLogger('error');
    const t = await buildNode([sequencer({ blockTime: 'instant' })], { logger });
    open.push(t);
    let failuresLeft = 2;
    t.chain.hook = () => {
      if (failuresLeft-- > 0) throw new Error('flaky');
    };
    await t.node.start();
    await submit(t.node, 2);
    await until(() => t.blocks.length === 1, 5_000, 'block after retries');
    expect(t.blocks[0]!.number).toBe(1n);
    expect(t.blocks[0]!.txHashes).toHaveLength(2);
    expect(lines.filter((l) => l.msg === 'block production failed; retrying').map((l) => l.retryInMs)).toEqual([100, 200]);
  });
});

describe('BLOCK_PRODUCER.produce()', () => {
  it('produces a block now, empty or not, with a block time', async () => {
    const t = await started([sequencer({ blockTime: 60_000 })]);
    const producer = t.node.container.resolve(BLOCK_PRODUCER);
    const empty = await producer.produce();
    expect(empty?.number).toBe(1n);
    expect(empty?.txHashes).toHaveLength(0);
    await submit(t.node, 2);
    const full = await producer.produce();
    expect(full?.number).toBe(2n);
    expect(full?.txHashes).toHaveLength(2);
    expect(t.blocks).toEqual([empty, full]);
    expect(t.pool.onBlockCalls.map((c) => c.block)).toEqual([empty, full]);
  });

  it('resolves undefined in instant mode when nothing waits', async () => {
    const t = await started([sequencer({ blockTime: 'instant' })]);
    const producer = t.node.container.resolve(BLOCK_PRODUCER);
    expect(await producer.produce()).toBeUndefined();
    expect(t.blocks).toHaveLength(0);
  });

  it('queues behind the block in progress', async () => {
    const t = await buildNode([sequencer({ blockTime: 60_000 })]);
    open.push(t);
    const hold = gate();
    t.chain.hook = () => (t.chain.executions === 1 ? hold.promise : undefined);
    await t.node.start();
    const producer = t.node.container.resolve(BLOCK_PRODUCER);
    const first = producer.produce();
    await until(() => t.chain.active === 1);
    const second = producer.produce();
    await sleep(30);
    expect(t.chain.executions).toBe(1);
    hold.open();
    expect((await first)?.number).toBe(1n);
    expect((await second)?.number).toBe(2n);
    expect(t.chain.maxActive).toBe(1);
  });

  it('rejects with the stage error when the block fails', async () => {
    const t = await buildNode([sequencer({ blockTime: 60_000 })]);
    open.push(t);
    t.chain.hook = () => {
      throw new Error('boom');
    };
    await t.node.start();
    const error = await t.node.container.resolve(BLOCK_PRODUCER).produce().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetisError);
    expect((error as MetisError).is('STAGE_FAILED')).toBe(true);
  });

  it('rejects with NODE_STATE before start and after stop', async () => {
    const t = await buildNode([sequencer({ blockTime: 60_000 })]);
    open.push(t);
    const producer = t.node.container.resolve(BLOCK_PRODUCER);
    await expect(producer.produce()).rejects.toMatchObject({ code: 'METIS-109' });
    await t.node.start();
    await t.node.stop();
    await expect(producer.produce()).rejects.toMatchObject({ code: 'METIS-109' });
  });
});

describe('stopping the sequencer', () => {
  it('waits for the block in progress, then makes no more', async () => {
    const t = await buildNode([sequencer({ blockTime: 50 })]);
    open.push(t);
    const hold = gate();
    t.chain.hook = () => hold.promise;
    await t.node.start();
    await until(() => t.chain.active === 1, 5_000, 'a block in progress');

    let stopped = false;
    const stopping = t.node.stop().then(() => (stopped = true));
    const again = t.node.stop();
    await sleep(50);
    expect(stopped).toBe(false);
    expect(t.blocks).toHaveLength(0);

    hold.open();
    await Promise.all([stopping, again]);
    expect(t.blocks).toHaveLength(1);
    expect(t.pool.onBlockCalls).toHaveLength(1);

    await sleep(120);
    expect(t.chain.executions).toBe(1);
  });

  it('drops blocks queued behind the one in progress', async () => {
    const t = await buildNode([sequencer({ blockTime: 60_000 })]);
    open.push(t);
    const hold = gate();
    t.chain.hook = () => hold.promise;
    await t.node.start();
    const producer = t.node.container.resolve(BLOCK_PRODUCER);
    const first = producer.produce();
    await until(() => t.chain.active === 1);
    const queued = producer.produce();
    const stopping = t.node.stop();
    hold.open();
    await stopping;
    expect((await first)?.number).toBe(1n);
    await expect(queued).rejects.toMatchObject({ code: 'METIS-109' });
    expect(t.chain.executions).toBe(1);
  });

  it('stops cleanly when the node stops before it started', async () => {
    const t = await buildNode([sequencer()]);
    open.push(t);
    await t.node.stop();
    await t.node.stop();
  });
});
