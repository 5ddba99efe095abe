// A node settling on an anvil L1 whose mining the test controls: a deposit that an L1 reorg removes before it
// has its confirmations is never credited; the deposit that takes its queue index instead is credited once.
import { readFileSync } from 'node:fs';
import { Contract, JsonRpcProvider, Wallet, parseEther } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact, PREDEPLOYS } from '@metis/contracts';
import { startAnvil, type Anvil, type L1Contracts } from '@metis/l1';
import { CHAIN_ID, DEV_KEYS, removeDir, startDevnet, type Devnet, until, sleep } from './harness.js';



describe('an L1 reorg of a deposit before it is credited', () => {
  let anvil: Anvil;
  let node: Devnet | undefined;
  let l1: JsonRpcProvider;
  let l2: JsonRpcProvider;

  beforeAll(async () => {
    anvil = await startAnvil({ blockTime: 1 });
    // metis dev credits deposits one L1 block deep (confirmations: 1).
    node = await startDevnet({ l1: anvil.url, blockTime: '250' });
    l1 = new JsonRpcProvider(anvil.url, undefined, { cacheTimeout: -1, batchMaxCount: 1 });
    l2 = new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1 });
  });

  afterAll(async () => {
    l1?.destroy();
    l2?.destroy();
    if (node) {
      await node.stop();
      await removeDir(node.dataDir);
    }
    await anvil?.stop();
  });

  it('never credits the removed deposit, and credits its replacement once', async () => {
    const contracts = JSON.parse(readFileSync(node!.l1Contracts!, 'utf8')) as L1Contracts;
    const user = new Wallet(DEV_KEYS[1]!, l1);
    const bridge = new Contract(contracts.bridge, loadArtifact('Bridge').abi as never, user);
    const l2Bridge = new Contract(PREDEPLOYS.L2_BRIDGE, loadArtifact('L2Bridge').abi as never, l2);
    const index = (await bridge.getFunction('depositCount')(CHAIN_ID)) as bigint;
    const recipient = Wallet.createRandom().address;

    // Mining paused: the deposit goes into one block that nothing is built on yet (0 confirmations).
    await l1.send('evm_setIntervalMining', [0]);
    const snapshot = (await l1.send('evm_snapshot', [])) as string;
    const nonce = await l1.getTransactionCount(user.address, 'pending');
    const doomed = await bridge.getFunction('depositETH')(CHAIN_ID, recipient, { value: parseEther('5'), nonce });
    await l1.send('evm_mine', []);
    expect((await l1.getTransactionReceipt(doomed.hash))?.status).toBe(1);
    expect(await bridge.getFunction('depositCount')(CHAIN_ID)).toBe(index + 1n);
    await sleep(2_000); // the node polls the L1 every 500 ms; the deposit is not deep enough
    expect(await l2.getBalance(recipient)).toBe(0n);

    // The L1 reorganises: the block with the deposit is gone, and the chain goes on without it.
    await l1.send('evm_revert', [snapshot]);
    expect(await l1.getTransactionReceipt(doomed.hash)).toBeNull();
    expect(await bridge.getFunction('depositCount')(CHAIN_ID)).toBe(index);
    await l1.send('evm_setIntervalMining', [1]);

    // Another deposit takes the same queue index and is credited once; the removed one never is.
    await (await bridge.getFunction('depositETH')(CHAIN_ID, recipient, { value: parseEther('2'), nonce })).wait();
    await until('the replacement deposit on L2', async () => (await l2.getBalance(recipient)) > 0n);
    const head = await l2.getBlockNumber();
    await until('more L2 blocks', async () => (await l2.getBlockNumber()) > head + 10);
    expect(await l2.getBalance(recipient)).toBe(parseEther('2'));
    expect(await l2Bridge.getFunction('nextDepositIndex')()).toBe(index + 1n);
  });
});
