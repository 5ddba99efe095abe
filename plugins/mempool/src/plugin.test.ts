import { TX_POOL, createNode, definePlugin, rootMetisError, StageError, type IngestContext, type PooledTx } from '@metis/core';
import { EVM_STATE } from '@metis/evm';
import { afterEach, describe, expect, it } from 'vitest';
import { mempoolOptionsSchema } from './options.js';
import { mempool } from './plugin.js';
import { FakeEvmState, testCommon } from './testing/fake-state.js';
import { removeTempDirs, sealedBlock, tempDir } from './testing/harness.js';
import { ETH, Wallet } from './testing/wallets.js';

const common = testCommon();
const alice = new Wallet(1);

/** Stands in for the EVM plugin: provides the state view and the stages the mempool does not. */
const fakeEvm = (state: FakeEvmState) =>
  definePlugin({
    id: 'evm',
    provides: [EVM_STATE],
    stages: ['order', 'execute', 'commit', 'prove'],
    setup(api) {
      api.container.value(EVM_STATE, state);
      for (const stage of ['order', 'execute', 'commit', 'prove'] as const) api.provide(stage, () => undefined);
    },
  })();

function node(state: FakeEvmState, dataDir: string) {
  return createNode({ chainId: Number(common.chainId()), dataDir, logLevel: 'silent', plugins: [fakeEvm(state), mempool({ maxNonceGap: 8 })] });
}

const ingestCtx = (raw: Uint8Array): IngestContext => ({ raw, source: 'rpc', meta: {} });

afterEach(removeTempDirs);

describe('mempool plugin', () => {
  it('declares what it provides and needs', () => {
    const { definition } = mempool();
    expect(definition).toMatchObject({ id: 'mempool', stages: ['ingest'], dependencies: ['evm'] });
    expect(definition.requires).toEqual([EVM_STATE]);
    expect(definition.provides).toEqual([TX_POOL]);
  });

  it('has these options and defaults', () => {
    expect(mempoolOptionsSchema.parse(undefined)).toEqual({
      maxSize: 20_000,
      maxPerSender: 128,
      maxNonceGap: 64,
      maxTxBytes: 131_072,
      priceBump: 10,
      allowUnprotected: false,
      minPriorityFee: 0n,
      recoveryWorker: true,
    });
    for (const input of [5n, 5, '5', '0x5']) expect(mempoolOptionsSchema.parse({ minPriorityFee: input }).minPriorityFee).toBe(5n);
    for (const bad of [-1, 1.5, '1.5', 'abc', -1n]) expect(mempoolOptionsSchema.safeParse({ minPriorityFee: bad }).success).toBe(false);
    expect(mempoolOptionsSchema.safeParse({ maxSize: 0 }).success).toBe(false);
    expect(mempoolOptionsSchema.safeParse({ unknown: 1 }).success).toBe(false);
  });

  it('runs in a node: ingest stage, TX_POOL, pending and block events, restart', async () => {
    const state = new FakeEvmState(common);
    state.set(alice.address, { balance: ETH });
    const dataDir = await tempDir();
    const n = await node(state, dataDir);
    await n.start();
    const pool = n.container.resolve(TX_POOL);
    const announced: PooledTx[] = [];
    n.events.on('pending', (tx) => announced.push(tx));

    const ctx = await n.stages.run('ingest', ingestCtx(alice.eip1559(common, { nonce: 0n })));
    expect(ctx.accepted?.sender).toBe(alice.address);
    expect(announced).toEqual([ctx.accepted]);
    expect(pool.executableCount).toBe(1);
    expect(await pool.pendingNonce(alice.address)).toBe(1n);

    // Rejections reach the caller wrapped once by the stage runner, the TX_* error at the root.
    const failure = await n.stages.run('ingest', ingestCtx(alice.eip1559(common, { nonce: 20n }))).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StageError);
    expect((failure as StageError).plugin).toBe('mempool');
    expect(rootMetisError(failure)?.is('TX_NONCE_TOO_HIGH')).toBe(true);

    // A `block` event marks cached accounts stale: the next ingest reads alice again.
    const reads = state.reads;
    n.events.emit('block', sealedBlock([]));
    await n.stages.run('ingest', ingestCtx(alice.eip1559(common, { nonce: 1n })));
    expect(state.reads).toBe(reads + 1);

    await n.stop();
    await n.stop();

    const again = await node(state, dataDir);
    await again.start();
    expect(again.container.resolve(TX_POOL).executableCount).toBe(2);
    await again.stop();
  });

  it('refuses transactions before start and after stop', async () => {
    const state = new FakeEvmState(common);
    state.set(alice.address, { balance: ETH });
    const n = await node(state, await tempDir());
    const raw = alice.eip1559(common);
    const early = await n.stages.run('ingest', ingestCtx(raw)).catch((e: unknown) => e);
    expect(rootMetisError(early)?.is('NODE_STATE')).toBe(true);
    await n.start();
    await n.stop();
    const late = await n.stages.run('ingest', ingestCtx(raw)).catch((e: unknown) => e);
    expect(rootMetisError(late)?.is('NODE_STATE')).toBe(true);
  });
});
