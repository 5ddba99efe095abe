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
    const view = new HeadStateView(chain);
    expect((await view.getAccount(ADDRS[0]!)).nonce).toBe(0n);
    await executeBlock(chain, chain.nextTemplate(1n), [pooled(transfer(chain, KEYS[0], 0n, ADDRS[1]!, 5n))]);
    view.onHead();
    expect(await view.getAccount(ADDRS[0]!)).toMatchObject({ nonce: 1n });
    expect(await view.getAccount(ADDRS[1]!)).toEqual({ nonce: 0n, balance: 5n });
    await chain.close();
  });
});

describe('HeadStateView under concurrent reads', () => {
  it('builds one state view per head, however many reads race', async () => {
    const { dir, cleanup } = await tempDir();
    const chain = await openChain(dir);
    try {
      const view = new HeadStateView(chain);
      let built = 0;
      const original = chain.stateAt.bind(chain);
      chain.stateAt = async (root) => {
        built++;
        return original(root);
      };
      await Promise.all(Array.from({ length: 50 }, () => view.getAccount(ADDRS[1]!)));
      await Promise.all(ADDRS.map((a) => view.getAccount(a)));
      expect(built).toBe(1);
      await executeBlock(chain, chain.nextTemplate(1n), [pooled(transfer(chain, KEYS[0], 0n, ADDRS[1]!, 5n))]);
      view.onHead();
      expect(await view.getAccount(ADDRS[1]!)).toEqual({ nonce: 0n, balance: 5n });
      expect(built).toBe(2);
    } finally {
      await chain.close();
      await cleanup();
    }
  });
});
