import { afterEach, describe, expect, it } from 'vitest';
import { executeBlock } from '../src/execute/execute-block.js';
import { HeadStateView } from '../src/state/head-view.js';
import { ADDRS, KEYS, openChain, pooled, tempDir, transfer } from './helpers.js';

describe('HeadStateView', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('reads the committed head, and the new head once told it moved', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const chain = await openChain(dir);
    const view = new HeadStateView(chain, 0n);
    expect((await view.getAccount(ADDRS[0]!)).nonce).toBe(0n);
    await executeBlock(chain, chain.nextTemplate(1n), [pooled(transfer(chain, KEYS[0], 0n, ADDRS[1]!, 5n))]);
    view.onHead();
    expect(await view.getAccount(ADDRS[0]!)).toMatchObject({ nonce: 1n });
    expect(await view.getAccount(ADDRS[1]!)).toEqual({ nonce: 0n, balance: 5n });
    await chain.close();
  });
});
