import { createAddressFromString } from '@ethereumjs/util';
import { afterEach, describe, expect, it } from 'vitest';
import { executeBlock } from '../src/execute/execute-block.js';
import { ADDRS, KEYS, openChain, pooled, tempDir, transfer } from './helpers.js';

describe('executeBlock', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('executes transfers, stores the block atomically, and resumes at the same head and root after reopening', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const chain = await openChain(dir);
    const txs = [0n, 1n, 2n].map((n) => pooled(transfer(chain, KEYS[0], n, ADDRS[1]!, 1000n)));
    const template = chain.nextTemplate(100n);
    const { block, dropped } = await executeBlock(chain, template, txs);
    expect(dropped).toEqual([]);
    expect(block.number).toBe(1n);
    expect(block.txHashes).toEqual(txs.map((t) => t.hash));
    expect(block.gasUsed).toBe(63_000n);
    const account = await chain.state.getAccount(createAddressFromString(ADDRS[1]!));
    expect(account?.balance).toBe(3000n);
    await chain.close();

    const again = await openChain(dir);
    expect(again.head.number).toBe(1n);
    expect(again.head.hash).toBe(block.hash);
    const after = await again.state.getAccount(createAddressFromString(ADDRS[1]!));
    expect(after?.balance).toBe(3000n);
    const receiptBlock = await again.store.block(1n);
    expect(receiptBlock?.stored.receipts.map((r) => r.status)).toEqual([1, 1, 1]);
    expect(await again.store.txLocation(txs[2]!.hash)).toEqual({ block: 1n, index: 2 });
    await again.close();
  });

  it('lets the event loop in while a long block runs (intake and RPC go on alongside)', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const chain = await openChain(dir);
    const txs = Array.from({ length: 1000 }, (_, n) => pooled(transfer(chain, KEYS[0], BigInt(n), ADDRS[1]!, 1n)));
    // Executed so far: the sender's nonce as last written (plain transfers skip the VM and its events).
    let executed = 0;
    const put = chain.state.putAccount.bind(chain.state);
    chain.state.putAccount = async (address, account) => {
      if (account && address.toString() === ADDRS[0]!.toLowerCase()) executed = Number(account.nonce);
      return put(address, account);
    };
    let executedAtTurn: number | undefined;
    setImmediate(() => (executedAtTurn = executed));
    const { block } = await executeBlock(chain, chain.nextTemplate(100n), txs);
    expect(block.txHashes).toHaveLength(1000);
    expect(executed).toBe(1000);
    // The next turn came in the middle of the block, not after it (1,000 transfers take well over 2 ms).
    expect(executedAtTurn).toBeGreaterThan(0);
    expect(executedAtTurn).toBeLessThan(1000);
    await chain.close();
  });

  it('drops a transaction that cannot apply and keeps the rest', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const chain = await openChain(dir);
    const good = pooled(transfer(chain, KEYS[0], 0n, ADDRS[1]!, 1n));
    const stale = pooled(transfer(chain, KEYS[0], 0n, ADDRS[1]!, 2n)); // same nonce: stale after the first
    const { block, dropped } = await executeBlock(chain, chain.nextTemplate(1n), [good, stale]);
    expect(block.txHashes).toEqual([good.hash]);
    expect(dropped.map((d) => d.hash)).toEqual([stale.hash]);
    await chain.close();
  });

  it("leaves a sender's later nonces in the pool when an earlier one does not fit or fails", async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const chain = await openChain(dir);
    const fits = pooled(transfer(chain, KEYS[0], 0n, ADDRS[1]!, 1n));
    const tooBig = pooled(transfer(chain, KEYS[0], 1n, ADDRS[1]!, 1n, { gasLimit: 40_000n }));
    const after = pooled(transfer(chain, KEYS[0], 2n, ADDRS[1]!, 1n));
    const template = { ...chain.nextTemplate(1n), gasLimit: 50_000n };
    const first = await executeBlock(chain, template, [fits, tooBig, after]);
    expect(first.block.txHashes).toEqual([fits.hash]);
    expect(first.dropped).toEqual([]);

    const gap = pooled(transfer(chain, KEYS[0], 5n, ADDRS[1]!, 1n)); // fails: the state nonce is 1
    const behindGap = pooled(transfer(chain, KEYS[0], 6n, ADDRS[1]!, 1n));
    const second = await executeBlock(chain, chain.nextTemplate(2n), [gap, behindGap, tooBig, after]);
    expect(second.dropped.map((d) => d.hash)).toEqual([gap.hash]);
    expect(second.block.txHashes).toEqual([]); // the sender is held after its dropped transaction
    const third = await executeBlock(chain, chain.nextTemplate(3n), [tooBig, after]);
    expect(third.block.txHashes).toEqual([tooBig.hash, after.hash]);
    await chain.close();
  });
});
