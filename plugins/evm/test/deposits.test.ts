import { createAddressFromString, bytesToHex, hexToBytes } from '@ethereumjs/util';
import { Bloom } from '@ethereumjs/vm';
import { isMetisError, type Deposit, type Hex } from '@metis/core';
import { AbiCoder, id, keccak256 } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { blockBody } from '../src/chain.js';
import { L2_BRIDGE, SYSTEM_CALLER } from '../src/constants.js';
import { FINALIZE_DEPOSIT_SELECTOR, depositHash, encodeFinalizeDeposit } from '../src/execute/deposits.js';
import { executeBlock } from '../src/execute/execute-block.js';
import { encodeBlock } from '../src/storage/block-codec.js';
import { u64 } from '../src/storage/keys.js';
import { ADDRS, BURN_META, KEYS, REVERT_META, deposit, genesis, openChain, pooled, tempDir, transfer } from './helpers.js';
import { recorder, recorderAbi, reverter, reverterAbi, rpc, view } from './rpc-helpers.js';

const ETH = 10n ** 18n;
const REVERTER: Hex = '0x000000000000000000000000000000000000c0de';
const TOKEN: Hex = '0x2222222222222222222222222222222222222222';

/** The test genesis with the DepositRecorder at the bridge address and a Reverter. */
function spec(withBridge = true) {
  const g = genesis();
  return {
    ...g,
    alloc: {
      ...g.alloc,
      ...(withBridge ? { [L2_BRIDGE]: { balance: 0n, code: recorder.deployedBytecode } } : {}),
      [REVERTER]: { balance: 0n, code: reverter.deployedBytecode },
    },
  };
}

const balance = async (chain: Awaited<ReturnType<typeof openChain>>, a: Hex): Promise<bigint> =>
  (await chain.state.getAccount(createAddressFromString(a)))?.balance ?? 0n;

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('finalizeDeposit calldata', () => {
  it('is the ABI encoding of finalizeDeposit(uint64,address,address,address,uint256,bytes)', () => {
    const sig = 'finalizeDeposit(uint64,address,address,address,uint256,bytes)';
    expect(bytesToHex(FINALIZE_DEPOSIT_SELECTOR)).toBe(id(sig).slice(0, 10));
    const cases: Deposit[] = [
      deposit(0n, ADDRS[1]!, 0n),
      deposit(7n, ADDRS[1]!, 10n ** 30n, { l1Token: TOKEN, tokenMeta: `0x${'ab'.repeat(33)}` }),
      deposit((1n << 64n) - 1n, ADDRS[0]!, (1n << 256n) - 1n, { tokenMeta: `0x${'cd'.repeat(64)}` }),
    ];
    for (const d of cases) {
      const args = AbiCoder.defaultAbiCoder().encode(
        ['uint64', 'address', 'address', 'address', 'uint256', 'bytes'],
        [d.index, d.from, d.to, d.l1Token, d.amount, d.tokenMeta],
      );
      expect(bytesToHex(encodeFinalizeDeposit(d))).toBe(id(sig).slice(0, 10) + args.slice(2));
    }
  });

  it('hashes a deposit as keccak256(abi.encode(chainId, index))', () => {
    expect(depositHash(1337n, 5n)).toBe(keccak256(AbiCoder.defaultAbiCoder().encode(['uint256', 'uint256'], [1337n, 5n])));
    expect(depositHash(1337n, 5n)).not.toBe(depositHash(1338n, 5n));
  });
});

describe('deposits in executeBlock', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  const open = async (withBridge = true, gasLimit = 300_000n) => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const chain = await openChain(dir, spec(withBridge), { deposits: { gasLimit } });
    cleanups.unshift(() => chain.close());
    return { chain, dir };
  };

  it('credits deposits before the transactions, as system calls; a failing one is consumed and credits nothing', async () => {
    const { chain, dir } = await open();
    const deposits = [
      deposit(0n, ADDRS[1]!, 2n * ETH),
      deposit(1n, ADDRS[1]!, 5n, { l1Token: TOKEN, tokenMeta: '0x1234' }),
      deposit(2n, ADDRS[1]!, 3n * ETH, { tokenMeta: REVERT_META }),
      deposit(3n, ADDRS[1]!, 4n * ETH, { tokenMeta: BURN_META }),
    ];
    // ADDRS[1] starts empty: its transaction only applies if deposit 0 was credited first.
    const tx = pooled(transfer(chain, KEYS[1], 0n, ADDRS[0]!, 1n));
    const template = chain.nextTemplate(10n);
    expect(template.depositCount).toBe(0n);
    const { block, dropped } = await executeBlock(chain, template, [tx], deposits);

    expect(dropped).toEqual([]);
    expect(block.txHashes).toEqual([tx.hash]);
    expect(block.gasUsed).toBe(21_000n); // deposit gas is not block gas
    expect(block.depositCount).toBe(4n);
    expect(chain.head.header.extraData).toEqual(u64(4n));
    expect(chain.nextTemplate(11n).depositCount).toBe(4n);

    const storedBlock = chain.head.stored;
    const stored = storedBlock.deposits;
    expect(stored.map((d) => d.deposit)).toEqual(deposits);
    expect(stored.map((d) => d.status)).toEqual([1, 1, 0, 0]);
    expect(stored.map((d) => d.logs.length)).toEqual([1, 1, 0, 0]);
    expect(stored[3]!.gasUsed).toBe(300_000n); // out of gas: all of the deposit gas limit
    expect(stored[0]!.gasUsed).toBeGreaterThan(0n);

    // Only deposit 0's value arrived; the failed ones' minted value is gone again.
    const fee = 21_000n * (chain.head.header.baseFeePerGas! + 1_000_000_000n);
    expect(await balance(chain, ADDRS[1]!)).toBe(2n * ETH - 1n - fee);
    expect(await balance(chain, L2_BRIDGE)).toBe(0n);
    expect(await chain.state.getAccount(createAddressFromString(SYSTEM_CALLER))).toBeUndefined();
    // The bridge saw two calls, from the system caller, with the right value each.
    expect(await view(chain, recorderAbi, L2_BRIDGE, 'calls')).toBe(2n);
    expect((await view(chain, recorderAbi, L2_BRIDGE, 'lastCaller')).toLowerCase()).toBe(SYSTEM_CALLER);
    expect(await view(chain, recorderAbi, L2_BRIDGE, 'lastValue')).toBe(0n); // deposit 1 is a token: no value
    expect(await view(chain, recorderAbi, L2_BRIDGE, 'amountOf', [1n])).toBe(5n);
    expect(await view(chain, recorderAbi, L2_BRIDGE, 'amountOf', [2n])).toBe(0n);
    // The system caller pays no nonce.
    expect((await chain.state.getAccount(createAddressFromString(SYSTEM_CALLER)))?.nonce ?? 0n).toBe(0n);

    // Everything survives a restart: the head, its deposit count and the recorded outcomes.
    await chain.close();
    const again = await openChain(dir, spec(), { deposits: { gasLimit: 300_000n } });
    cleanups.unshift(() => again.close());
    expect(again.head.hash).toBe(block.hash);
    expect(again.head.depositCount).toBe(4n);
    const reread = (await again.store.block(1n))!;
    expect(reread.stored.deposits.map((d) => [d.deposit, d.status, d.gasUsed, d.logs.length])).toEqual(stored.map((d) => [d.deposit, d.status, d.gasUsed, d.logs.length]));
    expect(encodeBlock(reread.stored)).toEqual(encodeBlock(storedBlock));
  });

  it('refuses deposits that are not contiguous from the head, changing nothing', async () => {
    const { chain } = await open();
    const before = { hash: chain.head.hash, root: bytesToHex(await chain.state.getStateRoot()) };
    const t = chain.nextTemplate(1n);
    const bad: [Parameters<typeof executeBlock>[1], Deposit[]][] = [
      [t, [deposit(1n, ADDRS[1]!, 1n)]],
      [t, [deposit(0n, ADDRS[1]!, 1n), deposit(2n, ADDRS[1]!, 1n)]],
      [t, [deposit(0n, ADDRS[1]!, 1n), deposit(0n, ADDRS[1]!, 1n)]],
      [{ ...t, depositCount: 1n }, [deposit(1n, ADDRS[1]!, 1n)]],
      [t, [deposit(0n, '0x1234' as Hex, 1n)]],
      [t, [deposit(0n, ADDRS[1]!, -1n)]],
      [t, [deposit(0n, ADDRS[1]!, 1n, { tokenMeta: '0x123' as Hex })]],
    ];
    for (const [template, deposits] of bad) {
      const e = await rejection(executeBlock(chain, template, [pooled(transfer(chain, KEYS[0], 0n, ADDRS[1]!, 1n))], deposits));
      expect(isMetisError(e, 'DEPOSIT_INVALID'), String(e)).toBe(true);
      expect((e as { code: string }).code).toBe('METIS-606');
    }
    expect(chain.head.hash).toBe(before.hash);
    expect(bytesToHex(await chain.state.getStateRoot())).toBe(before.root);
    expect(await balance(chain, ADDRS[1]!)).toBe(0n);
    const { block } = await executeBlock(chain, t, [], [deposit(0n, ADDRS[1]!, 1n)]);
    expect(block.depositCount).toBe(1n);
  });

  it('credits nothing when no contract is at the bridge address, and still consumes the deposit', async () => {
    const { chain } = await open(false);
    const { block } = await executeBlock(chain, chain.nextTemplate(1n), [], [deposit(0n, ADDRS[1]!, ETH)]);
    expect(block.depositCount).toBe(1n);
    expect(chain.head.stored.deposits[0]!.status).toBe(0);
    expect(await balance(chain, ADDRS[1]!)).toBe(0n);
    expect(await balance(chain, L2_BRIDGE)).toBe(0n);
  });

  it('reverts a native deposit whose recipient refuses the ETH, minting nothing', async () => {
    const { chain } = await open();
    // The Reverter has no receive function: the recorder's forward fails and it reverts.
    await executeBlock(chain, chain.nextTemplate(1n), [], [deposit(0n, REVERTER, ETH)]);
    expect(chain.head.stored.deposits[0]!.status).toBe(0);
    expect(await balance(chain, REVERTER)).toBe(0n);
    expect(await balance(chain, L2_BRIDGE)).toBe(0n);
    expect(await chain.state.getAccount(createAddressFromString(SYSTEM_CALLER))).toBeUndefined();
  });

  it('keeps an existing balance of the system caller untouched', async () => {
    const g = spec();
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const chain = await openChain(dir, { ...g, alloc: { ...g.alloc, [SYSTEM_CALLER]: { balance: 7n } } });
    cleanups.unshift(() => chain.close());
    await executeBlock(chain, chain.nextTemplate(1n), [], [deposit(0n, ADDRS[1]!, ETH), deposit(1n, ADDRS[1]!, ETH, { tokenMeta: REVERT_META })]);
    expect(await balance(chain, SYSTEM_CALLER)).toBe(7n);
    expect(await balance(chain, ADDRS[1]!)).toBe(ETH);
  });

  it("exposes deposit logs to eth_getLogs, receipts' log indices, the header bloom and CHAIN_HEAD.body", async () => {
    const { chain } = await open();
    const call = rpc(chain);
    const succeed = pooled(transfer(chain, KEYS[0], 0n, REVERTER, 0n, { data: reverterAbi.encodeFunctionData('succeed', [7n]) as Hex, gasLimit: 100_000n }));
    const reverts = pooled(transfer(chain, KEYS[0], 1n, REVERTER, 0n, { data: reverterAbi.encodeFunctionData('revertWithReason') as Hex, gasLimit: 100_000n }));
    const deposits = [deposit(0n, ADDRS[1]!, ETH), deposit(1n, ADDRS[1]!, ETH, { tokenMeta: REVERT_META }), deposit(2n, ADDRS[1]!, 9n, { l1Token: TOKEN })];
    const { block } = await executeBlock(chain, chain.nextTemplate(1n), [succeed, reverts], deposits);
    expect(block.txHashes).toEqual([succeed.hash, reverts.hash]);

    const logs = await call('eth_getLogs', { fromBlock: '0x1', toBlock: '0x1' });
    expect(logs.map((l: any) => [l.address, l.transactionHash, l.transactionIndex, l.logIndex])).toEqual([
      [L2_BRIDGE, depositHash(1337n, 0n), '0x0', '0x0'],
      [L2_BRIDGE, depositHash(1337n, 2n), '0x2', '0x1'],
      [REVERTER, succeed.hash, '0x0', '0x2'],
    ]);
    expect(logs[0].blockHash).toBe(block.hash);
    const recorded = recorderAbi.getEvent('Recorded')!.topicHash;
    expect(logs[0].topics[0]).toBe(recorded);
    // The address and topic indexes find them.
    expect(await call('eth_getLogs', { fromBlock: '0x0', address: L2_BRIDGE })).toHaveLength(2);
    expect(await call('eth_getLogs', { fromBlock: '0x0', topics: [recorded] })).toHaveLength(2);
    // Receipts number their logs after the deposits' (the same logIndex as eth_getLogs).
    const receipt = await call('eth_getTransactionReceipt', succeed.hash);
    expect(receipt.logs.map((l: any) => l.logIndex)).toEqual(['0x2']);
    expect((await call('eth_getTransactionReceipt', reverts.hash)).status).toBe('0x0');
    // A deposit is no transaction.
    expect(await call('eth_getTransactionReceipt', depositHash(1337n, 0n))).toBeNull();
    // The header bloom covers the deposits' logs.
    const bloom = new Bloom(chain.head.header.logsBloom);
    expect(bloom.check(hexToBytes(L2_BRIDGE))).toBe(true);
    expect(bloom.check(hexToBytes(recorded as Hex))).toBe(true);
    expect(bloom.check(hexToBytes(REVERTER))).toBe(true);

    const body = blockBody(chain.head);
    expect(body).toMatchObject({ number: 1n, timestamp: chain.head.header.timestamp, gasLimit: 30_000_000n, coinbase: `0x${'00'.repeat(20)}` });
    expect(body.deposits).toEqual(deposits);
    expect(body.txs).toEqual([succeed.raw, reverts.raw]);
    expect(body.logs.map((l) => [l.address, l.txIndex])).toEqual([
      [L2_BRIDGE, -1],
      [L2_BRIDGE, -1],
      [REVERTER, 0],
    ]);
    expect(body.logs[2]!.topics[0]).toBe(reverterAbi.getEvent('Succeeded')!.topicHash);
    expect(body.logs[2]!.data).toBe(logs[2].data);
  });
});
