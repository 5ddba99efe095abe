import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CHAIN_HEAD,
  FINALITY,
  MetisError,
  configIssues,
  definePlugin,
  validateConfig,
  type AnyPlugin,
  type Batch,
  type CommitContext,
  type MetisNode,
  type ProveContext,
} from '@metis/core';
import { localSettlement, localSettlementOptionsSchema } from './index.js';
import { FakeChain, buildNode, gate, memoryLogger, mine, sleep, until } from './testing/fakes.js';

let dataDir: string;
let nodes: MetisNode[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'metis-settlement-'));
});
afterEach(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  nodes = [];
  await rm(dataDir, { recursive: true, force: true });
});

interface Started {
  node: MetisNode;
  /** Every `batch` event, in order. */
  events: { batch: Batch; at: number }[];
}

async function start(chain: FakeChain, plugins: AnyPlugin[], logger?: Parameters<typeof buildNode>[3]): Promise<Started> {
  const node = await buildNode(dataDir, chain, plugins, logger);
  nodes.push(node);
  const events: Started['events'] = [];
  node.events.on('batch', (batch) => events.push({ batch, at: Date.now() }));
  await node.start();
  return { node, events };
}

const finality = (node: MetisNode) => node.container.resolve(FINALITY);
const ranges = (batches: readonly Batch[]) => batches.map((b) => [b.index, b.firstBlock, b.lastBlock]);
const statuses = (events: Started['events'], index: bigint) => events.filter((e) => e.batch.index === index).map((e) => e.batch.status);

/** Asserts the batches cover blocks 1..lastBlock of `chain` exactly once, in order, with matching hashes. */
function expectExactCover(batches: readonly Batch[], chain: FakeChain, lastBlock: bigint): void {
  let next = 1n;
  batches.forEach((b, i) => {
    expect(b.index).toBe(BigInt(i));
    expect(b.firstBlock).toBe(next);
    expect(b.blockHashes).toEqual(chain.blocks.slice(Number(b.firstBlock), Number(b.lastBlock) + 1).map((x) => x.hash));
    expect(b.stateRoot).toBe(chain.blocks[Number(b.lastBlock)]!.stateRoot);
    next = b.lastBlock + 1n;
  });
  expect(next - 1n).toBe(lastBlock);
}

/** A plugin adding middleware around commit and/or prove. */
function middleware(hooks: {
  commit?: (ctx: CommitContext, next: () => Promise<void>) => Promise<void>;
  prove?: (ctx: ProveContext, next: () => Promise<void>) => Promise<void>;
}): AnyPlugin {
  return definePlugin({
    id: 'test-middleware',
    setup(api) {
      if (hooks.commit) api.use('commit', hooks.commit);
      if (hooks.prove) api.use('prove', hooks.prove);
    },
  })();
}

describe('settlement-local plugin', () => {
  it('declares commit and prove, needs CHAIN_HEAD, provides FINALITY', () => {
    const { definition } = localSettlement();
    expect(definition.id).toBe('settlement-local');
    expect(definition.stages).toEqual(['commit', 'prove']);
    expect(definition.requires).toEqual([CHAIN_HEAD]);
    expect(definition.provides).toEqual([FINALITY]);
  });

  it('fills in defaults and rejects bad options', () => {
    expect(localSettlementOptionsSchema.parse(undefined)).toEqual({ batchSize: 10, batchInterval: 5000, finalityDelay: 10_000 });
    expect(localSettlementOptionsSchema.parse({ finalityDelay: 0 }).finalityDelay).toBe(0);
    let error: unknown;
    try {
      validateConfig({ chainId: 1, plugins: [localSettlement({ batchSize: 0, batchInterval: -1, finalityDelay: -5 })] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MetisError);
    expect(configIssues(error as MetisError).map((i) => i.path)).toEqual([
      'plugins[0].settlement-local.batchSize',
      'plugins[0].settlement-local.batchInterval',
      'plugins[0].settlement-local.finalityDelay',
    ]);
  });
});

describe('batching', () => {
  it('commits a batch as soon as batchSize blocks wait, starting at block 1', async () => {
    const chain = new FakeChain();
    const { node } = await start(chain, [localSettlement({ batchSize: 3, batchInterval: 60_000, finalityDelay: 60_000 })]);
    await mine(node, chain, 7);
    await until(() => finality(node).batches().length === 2 && finality(node).safeBlock() === 6n);
    await sleep(50);
    const batches = finality(node).batches();
    expect(ranges(batches)).toEqual([
      [0n, 1n, 3n],
      [1n, 4n, 6n],
    ]);
    expectExactCover(batches, chain, 6n);
    expect(batches.every((b) => b.status === 'safe' && b.commitment !== undefined)).toBe(true);
  });

  it('commits a partial batch once the oldest waiting block has waited batchInterval', async () => {
    const chain = new FakeChain();
    const { node } = await start(chain, [localSettlement({ batchSize: 100, batchInterval: 40, finalityDelay: 60_000 })]);
    await sleep(80);
    expect(finality(node).batches()).toHaveLength(0); // genesis alone is never batched, and no empty batches
    await mine(node, chain, 2);
    await until(() => finality(node).batches().length === 1, 5_000, 'the first partial batch');
    await mine(node, chain, 1);
    await until(() => finality(node).batches().length === 2, 5_000, 'the second partial batch');
    await sleep(80);
    expect(ranges(finality(node).batches())).toEqual([
      [0n, 1n, 2n],
      [1n, 3n, 3n],
    ]);
  });

  it('runs one batch at a time, with contiguous indices and blocks', async () => {
    const chain = new FakeChain();
    let active = 0;
    let maxActive = 0;
    const slow = async (_ctx: unknown, next: () => Promise<void>): Promise<void> => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await sleep(10);
      await next();
      active -= 1;
    };
    const { node } = await start(chain, [
      localSettlement({ batchSize: 2, batchInterval: 20, finalityDelay: 60_000 }),
      middleware({ commit: slow, prove: slow }),
    ]);
    for (let i = 0; i < 5; i++) {
      await mine(node, chain, 3);
      await sleep(3);
    }
    await until(() => finality(node).safeBlock() === 15n, 5_000, 'every block safe');
    expect(maxActive).toBe(1);
    expectExactCover(finality(node).batches(), chain, 15n);
  });

  it('logs a failing commit, retries it and skips no block', async () => {
    const chain = new FakeChain();
    const { logger, lines } = memoryLogger('error');
    let failuresLeft = 2;
    const { node } = await start(
      chain,
      [
        localSettlement({ batchSize: 2, batchInterval: 20, finalityDelay: 60_000 }),
        middleware({
          commit: async (_ctx, next) => {
            if (failuresLeft-- > 0) throw new Error('L1 unreachable');
            await next();
          },
        }),
      ],
      logger,
    );
    await mine(node, chain, 5);
    await until(() => finality(node).safeBlock() === 5n, 5_000, 'every block safe');
    const failures = lines.filter((l) => l.msg === 'batch failed; retrying');
    expect(failures.map((l) => l.retryInMs)).toEqual([20, 40]);
    expect(String(failures[0]!.err.message)).toContain('L1 unreachable');
    expectExactCover(finality(node).batches(), chain, 5n);
  });

  it('refuses to commit blocks that do not continue the last batch', async () => {
    const chain = new FakeChain();
    const { node } = await start(chain, [localSettlement({ batchSize: 2, batchInterval: 60_000, finalityDelay: 60_000 })]);
    await mine(node, chain, 2);
    await until(() => finality(node).batches().length === 1);
    await expect(node.stages.run('commit', { blocks: [chain.blocks[1]!], meta: {} })).rejects.toMatchObject({ code: 'METIS-301' });
    await expect(node.stages.run('commit', { blocks: [], meta: {} })).rejects.toMatchObject({ code: 'METIS-301' });
    expect(finality(node).batches()).toHaveLength(1);
  });
});

describe('finality', () => {
  it('reports genesis as safe and final before any batch', async () => {
    const { node } = await start(new FakeChain(), [localSettlement()]);
    expect(finality(node).safeBlock()).toBe(0n);
    expect(finality(node).finalizedBlock()).toBe(0n);
    expect(finality(node).batches()).toEqual([]);
  });

  it('makes a batch unsafe, then safe, then finalized after finalityDelay', async () => {
    const chain = new FakeChain();
    const { node, events } = await start(chain, [localSettlement({ batchSize: 2, batchInterval: 60_000, finalityDelay: 80 })]);
    await mine(node, chain, 2);
    await until(() => finality(node).safeBlock() === 2n, 5_000, 'a safe batch');
    expect(finality(node).finalizedBlock()).toBe(0n);
    expect(finality(node).batches()[0]!.status).toBe('safe');

    await until(() => finality(node).finalizedBlock() === 2n, 5_000, 'a final batch');
    expect(statuses(events, 0n)).toEqual(['unsafe', 'safe', 'finalized']);
    const safeAt = events.find((e) => e.batch.status === 'safe')!.at;
    const finalAt = events.find((e) => e.batch.status === 'finalized')!.at;
    expect(finalAt - safeAt).toBeGreaterThanOrEqual(75);
    expect(finality(node).batches()[0]!.status).toBe('finalized');

    // A later batch moves safe ahead of finalized.
    await mine(node, chain, 2);
    await until(() => finality(node).safeBlock() === 4n);
    expect(finality(node).finalizedBlock()).toBe(2n);
  });

  it('finalizes at once with finalityDelay 0', async () => {
    const chain = new FakeChain();
    const { node, events } = await start(chain, [localSettlement({ batchSize: 1, batchInterval: 60_000, finalityDelay: 0 })]);
    await mine(node, chain, 1);
    await until(() => finality(node).finalizedBlock() === 1n);
    expect(statuses(events, 0n)).toEqual(['unsafe', 'safe', 'finalized']);
  });

  it('sets the prove context status', async () => {
    const chain = new FakeChain();
    const seen: (string | undefined)[] = [];
    const { node } = await start(chain, [
      localSettlement({ batchSize: 1, batchInterval: 60_000, finalityDelay: 60_000 }),
      middleware({
        prove: async (ctx, next) => {
          await next();
          seen.push(ctx.status);
        },
      }),
    ]);
    await mine(node, chain, 1);
    await until(() => seen.length === 1);
    expect(seen).toEqual(['safe']);
  });
});

describe('stopping and restarting', () => {
  it('waits for the batch in progress when stopping, and keeps it', async () => {
    const chain = new FakeChain();
    const hold = gate();
    let entered = false;
    const settlement = (): AnyPlugin => localSettlement({ batchSize: 2, batchInterval: 60_000, finalityDelay: 60_000 });
    const { node } = await start(chain, [
      settlement(),
      middleware({
        commit: async (_ctx, next) => {
          entered = true;
          await hold.promise;
          await next();
        },
      }),
    ]);
    await mine(node, chain, 2);
    await until(() => entered);
    let stopped = false;
    const stopping = node.stop().then(() => (stopped = true));
    await sleep(40);
    expect(stopped).toBe(false);
    hold.open();
    await stopping;
    expect(finality(node).batches().map((b) => b.status)).toEqual(['safe']);

    const again = await start(chain, [settlement()]);
    expect(ranges(finality(again.node).batches())).toEqual([[0n, 1n, 2n]]);
    expect(finality(again.node).safeBlock()).toBe(2n);
  });

  it('keeps batches across a restart and batches the blocks made meanwhile exactly once', async () => {
    const chain = new FakeChain();
    const settlement = (): AnyPlugin => localSettlement({ batchSize: 3, batchInterval: 60_000, finalityDelay: 60_000 });
    const first = await start(chain, [settlement()]);
    await mine(first.node, chain, 7);
    await until(() => finality(first.node).safeBlock() === 6n);
    await first.node.stop();

    chain.sealOffline(5); // blocks 8..12 stored while the settlement was down; block 7 never batched
    const second = await start(chain, [settlement()]);
    await until(() => finality(second.node).safeBlock() === 12n, 5_000, 'the blocks made meanwhile');
    await mine(second.node, chain, 3);
    await until(() => finality(second.node).safeBlock() === 15n);
    await sleep(30);
    expectExactCover(finality(second.node).batches(), chain, 15n);
    expect(ranges(finality(second.node).batches())).toEqual([
      [0n, 1n, 3n],
      [1n, 4n, 6n],
      [2n, 7n, 9n],
      [3n, 10n, 12n],
      [4n, 13n, 15n],
    ]);
  });

  it('commits the left-over blocks of a restart after batchInterval', async () => {
    const chain = new FakeChain();
    const first = await start(chain, [localSettlement({ batchSize: 3, batchInterval: 60_000, finalityDelay: 60_000 })]);
    await mine(first.node, chain, 4);
    await until(() => finality(first.node).safeBlock() === 3n);
    await first.node.stop();

    const second = await start(chain, [localSettlement({ batchSize: 3, batchInterval: 30, finalityDelay: 60_000 })]);
    await until(() => finality(second.node).safeBlock() === 4n);
    expect(ranges(finality(second.node).batches())).toEqual([
      [0n, 1n, 3n],
      [1n, 4n, 4n],
    ]);
  });

  it('proves at start a batch that was committed but never proven', async () => {
    const chain = new FakeChain();
    const first = await start(chain, [
      localSettlement({ batchSize: 2, batchInterval: 60_000, finalityDelay: 60_000 }),
      middleware({
        prove: async () => {
          throw new Error('prover down');
        },
      }),
    ]);
    await mine(first.node, chain, 2);
    await until(() => finality(first.node).batches().length === 1);
    expect(finality(first.node).batches()[0]!.status).toBe('unsafe');
    expect(finality(first.node).safeBlock()).toBe(0n);
    await first.node.stop();

    const second = await start(chain, [localSettlement({ batchSize: 2, batchInterval: 60_000, finalityDelay: 60_000 })]);
    await until(() => finality(second.node).safeBlock() === 2n);
    await mine(second.node, chain, 2);
    await until(() => finality(second.node).safeBlock() === 4n);
    expectExactCover(finality(second.node).batches(), chain, 4n);
  });

  it('finalizes at start the batches whose delay passed while the node was down', async () => {
    const chain = new FakeChain();
    const settlement = (): AnyPlugin => localSettlement({ batchSize: 2, batchInterval: 60_000, finalityDelay: 100 });
    const first = await start(chain, [settlement()]);
    await mine(first.node, chain, 4);
    await until(() => finality(first.node).safeBlock() === 4n);
    await first.node.stop();
    expect(finality(first.node).finalizedBlock()).toBe(0n);
    await sleep(150);

    const second = await start(chain, [settlement()]);
    expect(finality(second.node).finalizedBlock()).toBe(4n);
    expect(second.events.map((e) => [e.batch.index, e.batch.status])).toEqual([
      [0n, 'finalized'],
      [1n, 'finalized'],
    ]);
  });

  it('gives a safe batch only its remaining delay after a restart', async () => {
    const chain = new FakeChain();
    const settlement = (): AnyPlugin => localSettlement({ batchSize: 2, batchInterval: 60_000, finalityDelay: 600 });
    const first = await start(chain, [settlement()]);
    await mine(first.node, chain, 2);
    await until(() => finality(first.node).safeBlock() === 2n);
    const safeAt = first.events.find((e) => e.batch.status === 'safe')!.at;
    await first.node.stop();
    await sleep(300);

    const restartedAt = Date.now();
    const second = await start(chain, [settlement()]);
    expect(finality(second.node).finalizedBlock()).toBe(0n);
    await until(() => finality(second.node).finalizedBlock() === 2n, 5_000, 'finalization');
    const finalAt = second.events.find((e) => e.batch.status === 'finalized')!.at;
    expect(finalAt - safeAt).toBeGreaterThanOrEqual(590);
    // Well before a full new delay from the restart.
    expect(finalAt - restartedAt).toBeLessThan(550);
  });

  it('refuses to start on batches the chain does not hold', async () => {
    const chain = new FakeChain();
    const first = await start(chain, [localSettlement({ batchSize: 2, batchInterval: 60_000, finalityDelay: 60_000 })]);
    await mine(first.node, chain, 2);
    await until(() => finality(first.node).batches().length === 1);
    await first.node.stop();

    const shorter = new FakeChain();
    await expect(start(shorter, [localSettlement()])).rejects.toMatchObject({ code: 'METIS-601' });
    const other = new FakeChain({ salt: 'c' });
    other.sealOffline(2);
    await expect(start(other, [localSettlement()])).rejects.toMatchObject({ code: 'METIS-601' });
  });

  it('stops cleanly when the node never started, and twice', async () => {
    const node = await buildNode(dataDir, new FakeChain(), [localSettlement()]);
    await node.stop();
    await node.stop();
  });
});
