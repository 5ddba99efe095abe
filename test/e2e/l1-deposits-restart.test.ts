// Deposits are credited exactly once across a restart of `metis dev` (sequencer and its embedded L1,
// both resumed from the data dir).
import { mkdtemp } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, JsonRpcProvider, Wallet, parseEther } from 'ethers';
import { afterAll, describe, expect, it } from 'vitest';
import { loadArtifact, PREDEPLOYS } from '@metis/contracts';
import type { L1Contracts } from '@metis/l1';
import { CHAIN_ID, DEV_KEYS, removeDir, startDevnet, type Devnet, until } from './harness.js';



describe('deposits across a restart of metis dev', () => {
  let node: Devnet | undefined;
  let dataDir: string;
  const providers: JsonRpcProvider[] = [];

  afterAll(async () => {
    for (const p of providers) p.destroy();
    if (node) await node.stop();
    if (dataDir) await removeDir(dataDir);
  });

  /** Starts (or resumes) the devnet on `dataDir`; returns an L1 bridge, the L2 provider and the L2 bridge. */
  async function start(): Promise<{ bridge: Contract; l2: JsonRpcProvider; l2Bridge: Contract }> {
    node = await startDevnet({ l1: true, dataDir, blockTime: '250' });
    const contracts = JSON.parse(readFileSync(node.l1Contracts!, 'utf8')) as L1Contracts;
    const l1 = new JsonRpcProvider(node.l1Url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
    const l2 = new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
    providers.push(l1, l2);
    return {
      bridge: new Contract(contracts.bridge, loadArtifact('Bridge').abi as never, new Wallet(DEV_KEYS[0]!, l1)),
      l2,
      l2Bridge: new Contract(PREDEPLOYS.L2_BRIDGE, loadArtifact('L2Bridge').abi as never, l2),
    };
  }

  it('credits each deposit once, before and after a restart', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'metis-deposits-'));
    const first = Wallet.createRandom().address;
    const second = Wallet.createRandom().address;

    let { bridge, l2, l2Bridge } = await start();
    await (await bridge.getFunction('depositETH')(CHAIN_ID, first, { value: parseEther('1') })).wait();
    await until('the first deposit', async () => (await l2.getBalance(first)) > 0n);
    const consumed = (await l2Bridge.getFunction('nextDepositIndex')()) as bigint;
    expect(await l2.getBalance(first)).toBe(parseEther('1'));
    const headBefore = await l2.getBlockNumber();
    expect(await node!.stop()).toBe(0);

    ({ bridge, l2, l2Bridge } = await start());
    // The chain resumed where it was, and the deposit is not credited a second time.
    expect(await l2.getBlockNumber()).toBeGreaterThanOrEqual(headBefore);
    await until('blocks after the restart', async () => (await l2.getBlockNumber()) > headBefore + 8);
    expect(await l2.getBalance(first)).toBe(parseEther('1'));
    expect(await l2Bridge.getFunction('nextDepositIndex')()).toBe(consumed);

    await (await bridge.getFunction('depositETH')(CHAIN_ID, second, { value: parseEther('2') })).wait();
    await until('the second deposit', async () => (await l2.getBalance(second)) > 0n);
    const after = await l2.getBlockNumber();
    await until('more blocks', async () => (await l2.getBlockNumber()) > after + 8);
    expect(await l2.getBalance(second)).toBe(parseEther('2'));
    expect(await l2.getBalance(first)).toBe(parseEther('1'));
    expect(await l2Bridge.getFunction('nextDepositIndex')()).toBe(consumed + 1n);
  });
});
