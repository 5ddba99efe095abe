import { Container, TX_POOL, type TxPool } from '@metis/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { executeBlock } from '../src/execute/execute-block.js';
import { ADDRS, KEYS, openChain, pooled, tempDir, transfer } from './helpers.js';
import { rpc } from './rpc-helpers.js';

describe('eth_getTransactionReceipt', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('answers a pending transaction from the pool without a disk read, a new block from memory, an old one from disk', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const chain = await openChain(dir);
    const mined = pooled(transfer(chain, KEYS[0], 0n, ADDRS[1]!, 1n));
    const waiting = pooled(transfer(chain, KEYS[0], 1n, ADDRS[1]!, 1n));
    await executeBlock(chain, chain.nextTemplate(100n), [mined]);
    const container = new Container();
    container.value(TX_POOL, { get: (hash: string) => (hash === waiting.hash ? waiting : undefined) } as unknown as TxPool);
    const call = rpc(chain, container);
    const disk = vi.spyOn(chain.store, 'txLocation');

    expect(await call('eth_getTransactionReceipt', waiting.hash)).toBeNull();
    expect((await call('eth_getTransactionReceipt', mined.hash)).status).toBe('0x1');
    expect(disk).not.toHaveBeenCalled();
    expect(await call('eth_getTransactionReceipt', `0x${'ab'.repeat(32)}`)).toBeNull(); // unknown: looked up on disk
    expect(disk).toHaveBeenCalledTimes(1);
    await chain.close();

    const again = await openChain(dir); // nothing in memory: the receipt comes from disk
    const receipt = await rpc(again, container)('eth_getTransactionReceipt', mined.hash);
    expect([receipt.status, receipt.blockNumber, receipt.transactionIndex]).toEqual(['0x1', '0x1', '0x0']);
    await again.close();
  });
});
