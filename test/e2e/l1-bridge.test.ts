// The rollup end to end on `metis dev` with its embedded anvil L1: an ETH deposit on L1 is credited on L2
// exactly once; an L2 withdrawal reaches L1 only after its batch is final, exactly once.
import { readFileSync } from 'node:fs';
import { Contract, JsonRpcProvider, Wallet, parseEther, type TransactionReceipt } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact, PREDEPLOYS } from '@metis/contracts';
import { proveWithdrawal, type L1Contracts } from '@metis/l1';
import { CHAIN_ID, DEV_KEYS, removeDir, startDevnet, type Devnet, until } from './harness.js';



/** The custom error a rejected call reverted with, by name. */
async function revertName(p: Promise<unknown>, contract: Contract): Promise<string> {
  try {
    await p;
  } catch (e) {
    const data = (e as { data?: string; info?: { error?: { data?: string } } }).data ?? (e as { info?: { error?: { data?: string } } }).info?.error?.data;
    return contract.interface.parseError(data!)?.name ?? `unparsed ${data}`;
  }
  throw new Error('expected a revert');
}

describe('L1 bridge on metis dev (embedded anvil)', () => {
  let node: Devnet;
  let l1: JsonRpcProvider;
  let l2: JsonRpcProvider;
  let contracts: L1Contracts;
  let bridge: Contract;

  beforeAll(async () => {
    node = await startDevnet({ l1: true, blockTime: '250', args: ['--challenge-window', '6'] });
    expect(node.l1Url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    contracts = JSON.parse(readFileSync(node.l1Contracts!, 'utf8')) as L1Contracts;
    l1 = new JsonRpcProvider(node.l1Url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
    l2 = new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
    bridge = new Contract(contracts.bridge, loadArtifact('Bridge').abi as never, new Wallet(DEV_KEYS[2]!, l1));
  });

  afterAll(async () => {
    l1?.destroy();
    l2?.destroy();
    if (node) {
      expect(await node.stop()).toBe(0);
      await removeDir(node.dataDir);
    }
  });

  it('credits an ETH deposit on L2 exactly once, in queue order', async () => {
    const recipient = Wallet.createRandom().address;
    const l2Bridge = new Contract(PREDEPLOYS.L2_BRIDGE, loadArtifact('L2Bridge').abi as never, l2);
    const before = (await l2Bridge.getFunction('nextDepositIndex')()) as bigint;
    const tx = await bridge.getFunction('depositETH')(CHAIN_ID, recipient, { value: parseEther('1.5') });
    const receipt = (await tx.wait()) as TransactionReceipt;
    expect(receipt.status).toBe(1);
    await until('the deposit on L2', async () => (await l2.getBalance(recipient)) > 0n);
    expect(await l2.getBalance(recipient)).toBe(parseEther('1.5'));
    expect(await l2Bridge.getFunction('nextDepositIndex')()).toBe(before + 1n);
    // Many L2 blocks later it is still credited once.
    const head = await l2.getBlockNumber();
    await until('more L2 blocks', async () => (await l2.getBlockNumber()) > head + 8);
    expect(await l2.getBalance(recipient)).toBe(parseEther('1.5'));
    expect(await l2Bridge.getFunction('nextDepositIndex')()).toBe(before + 1n);
  });

  it('pays an L2 withdrawal on L1 only once its batch is final, and only once', async () => {
    const user = new Wallet(DEV_KEYS[3]!, l2);
    const l1Recipient = Wallet.createRandom().address;
    const l2Bridge = new Contract(PREDEPLOYS.L2_BRIDGE, loadArtifact('L2Bridge').abi as never, user);
    const startedAt = Date.now();
    const tx = await l2Bridge.getFunction('withdrawETH')(l1Recipient, { value: parseEther('0.25') });
    const receipt = (await tx.wait()) as TransactionReceipt;
    expect(receipt.status).toBe(1);
    const input = { chainId: BigInt(CHAIN_ID), l1, l2, batchInbox: contracts.batchInbox, l2TxHash: receipt.hash, fromL1Block: contracts.startBlock };

    // Appended but not final yet: the bridge refuses.
    const appended = await until('the batch on L1', async () => {
      const p = await proveWithdrawal(input);
      return p.proof ? p : undefined;
    });
    const w = appended.withdrawal;
    const args = [CHAIN_ID, appended.batchIndex, [w.nonce, w.sender, w.to, w.l1Token, w.amount], appended.proof] as const;
    if (!appended.finalized) expect(await revertName(bridge.getFunction('finalizeWithdrawal')(...args), bridge)).toBe('BatchNotFinalized');

    const final = await until('the batch to be final', async () => {
      const p = await proveWithdrawal(input);
      return p.finalized ? p : undefined;
    });
    expect(final.batchIndex).toBe(appended.batchIndex);
    // `finalized` on L2 follows L1, and the node reports the block's batch.
    await until('the finalized tag', async () => Number((await l2.getBlock('finalized'))?.number ?? 0) >= Number(final.l2Block));
    const status = (await l2.send('metis_batchStatus', [`0x${final.l2Block.toString(16)}`])) as { status: string; batch: { index: string } };
    expect(status.status).toBe('finalized');
    expect(BigInt(status.batch.index)).toBe(final.batchIndex);

    const paid = await (await bridge.getFunction('finalizeWithdrawal')(...args)).wait();
    expect(paid.status).toBe(1);
    const arrivedMs = Date.now() - startedAt;
    expect(await l1.getBalance(l1Recipient)).toBe(parseEther('0.25'));
    console.log(`[figure] L2 withdrawal to ETH on L1: ${(arrivedMs / 1000).toFixed(1)} s with a 6 s challenge window`);

    // Replay, and a mutated withdrawal, are refused.
    expect(await revertName(bridge.getFunction('finalizeWithdrawal')(...args), bridge)).toBe('WithdrawalAlreadyFinalized');
    const more = [CHAIN_ID, appended.batchIndex, [w.nonce, w.sender, w.to, w.l1Token, w.amount * 2n], appended.proof] as const;
    expect(await revertName(bridge.getFunction('finalizeWithdrawal')(...more), bridge)).toBe('InvalidProof');
    expect(await l1.getBalance(l1Recipient)).toBe(parseEther('0.25'));
  });
});
