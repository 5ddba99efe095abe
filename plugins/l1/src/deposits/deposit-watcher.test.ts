import { Contract, parseEther, ZeroHash } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type Hex } from '@metis/core';
import { deployL1, type L1Deployment } from '../dev/deploy-l1.js';
import { startL1, type L1Env } from '../testing/l1-env.js';
import { DepositWatcher } from './deposit-watcher.js';

const CHAIN = 77n;
const logger = createLogger({ level: 'silent' });

/** The DepositWatcher against a real anvil (automine: one block per transaction; `mine` for more). */
describe('DepositWatcher on anvil', () => {
  let l1: L1Env;
  let deployment: L1Deployment;
  let bridge: Contract;

  beforeAll(async () => {
    l1 = await startL1();
    deployment = await deployL1(l1.wallet(0), { unbondingDelay: 1 });
    const me = await l1.wallet(0).getAddress();
    await (
      await deployment.chainRegistry.getFunction('registerChain')(CHAIN, {
        owner: me,
        sequencer: me,
        proposer: me,
        challengeWindow: 0,
        minBond: 0,
        daKind: 1,
        genesisStateRoot: `0x${'11'.repeat(32)}`,
        inclusionWindow: 100,
      })
    ).wait();
    bridge = deployment.bridge.connect(l1.wallet(1)) as Contract;
  });

  afterAll(async () => {
    await l1?.stop();
  });

  const watcher = (confirmations: number): DepositWatcher =>
    new DepositWatcher(l1.provider, { chainId: CHAIN, bridge: deployment.addresses.bridge as Hex, confirmations, maxLogRange: 3, reorgDepth: 16 }, logger);

  const deposit = async (wei: bigint): Promise<void> => {
    await (await bridge.getFunction('depositETH')(CHAIN, '0x000000000000000000000000000000000000bEEF', { value: wei })).wait();
  };

  it('serves deposits in queue order once they are `confirmations` deep, scanning in bounded ranges', async () => {
    const w = watcher(3);
    await w.init(0n, deployment.startBlock);
    await deposit(1n);
    await deposit(2n);
    await w.poll();
    expect(w.ready(0n, 10)).toEqual([]); // 1 and 0 blocks deep
    await l1.mine(3);
    expect(await w.poll()).toBe(true);
    const ready = w.ready(0n, 10);
    expect(ready.map((d) => [d.index, d.amount])).toEqual([
      [0n, 1n],
      [1n, 2n],
    ]);
    expect(ready[0]).toMatchObject({ to: '0x000000000000000000000000000000000000beef', l1Token: `0x${'00'.repeat(20)}`, tokenMeta: '0x' });
    expect(w.ready(1n, 10).map((d) => d.index)).toEqual([1n]);
    expect(w.ready(0n, 1).map((d) => d.index)).toEqual([0n]);
    expect(await w.poll()).toBe(false); // nothing new
    w.prune(1n);
    expect(w.ready(0n, 10)).toEqual([]);
    expect(w.ready(1n, 10).map((d) => d.index)).toEqual([1n]);
  });

  it('starts from the L1 block of the first deposit the chain has not credited', async () => {
    const w = watcher(0);
    await w.init(1n, 0);
    await w.poll();
    expect(w.ready(1n, 10).map((d) => d.index)).toEqual([1n]);
    expect(w.ready(0n, 10)).toEqual([]); // deposit 0 was before the start: already credited
  });

  it('never serves a deposit that a reorg shallower than the confirmations removed', async () => {
    const w = watcher(3);
    await w.init(2n, await l1.provider.getBlockNumber());
    await w.poll();
    const snapshot = (await l1.provider.send('evm_snapshot', [])) as string;
    await deposit(parseEther('5')); // index 2, one block deep
    await w.poll();
    expect(w.ready(2n, 10)).toEqual([]);
    // The L1 drops it (a 1-block reorg), and goes on without it.
    await l1.provider.send('evm_revert', [snapshot]);
    await l1.mine(5);
    await w.poll();
    expect(w.ready(2n, 10)).toEqual([]);
    // The next deposit takes index 2 and is served once confirmed.
    await deposit(3n);
    await l1.mine(3);
    await w.poll();
    expect(w.ready(2n, 10).map((d) => [d.index, d.amount])).toEqual([[2n, 3n]]);
  });

  it('forgets an unconsumed deposit that a reorg deeper than the confirmations removed, and re-scans', async () => {
    const w = watcher(1);
    await w.init(3n, await l1.provider.getBlockNumber());
    const snapshot = (await l1.provider.send('evm_snapshot', [])) as string;
    await deposit(parseEther('7')); // index 3
    await l1.mine(2);
    await w.poll();
    expect(w.ready(3n, 10).map((d) => d.amount)).toEqual([parseEther('7')]);
    // A 3-block reorg replaces it with another deposit at the same index.
    await l1.provider.send('evm_revert', [snapshot]);
    await deposit(9n);
    await l1.mine(4);
    await w.poll();
    const ready = w.ready(3n, 10);
    expect(ready.map((d) => [d.index, d.amount])).toEqual([[3n, 9n]]);
    expect((await deployment.bridge.getFunction('depositHash')(CHAIN, 3n)) as string).not.toBe(ZeroHash);
  });
});
