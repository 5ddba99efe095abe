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

describe('HeadStateView account diffs', () => {
  const COINBASE = `0x${'c0'.repeat(20)}` as const;
  const OTHER = `0x${'0d'.repeat(20)}` as const;

  it('takes each block\'s account diff instead of dropping its cache, and reads what a fresh view reads', async () => {
    const { dir, cleanup } = await tempDir();
    const chain = await openChain(dir, undefined, { coinbase: COINBASE });
    try {
      const view = new HeadStateView(chain);
      const watched = [...ADDRS, COINBASE, OTHER];
      for (const a of watched) await view.getAccount(a); // warm: every account cached at genesis
      let built = 0;
      const original = chain.stateAt.bind(chain);
      chain.stateAt = async (root) => {
        built++;
        return original(root);
      };
      let nonce = 0n;
      for (let b = 1n; b <= 4n; b++) {
        // sender, recipient and coinbase (the tip) change; OTHER only from block 3 on
        const txs = [pooled(transfer(chain, KEYS[0], nonce++, ADDRS[1]!, b * 1000n))];
        if (b >= 3n) txs.push(pooled(transfer(chain, KEYS[0], nonce++, OTHER, b)));
        const result = await executeBlock(chain, chain.nextTemplate(b), txs);
        expect(result.accounts?.size).toBeGreaterThanOrEqual(3);
        view.onHead(result.chainBlock, result.accounts);
        const fresh = new HeadStateView(chain);
        for (const a of watched) expect(await view.getAccount(a), `${a} after block ${b}`).toEqual(await fresh.getAccount(a));
      }
      // the warm view never opened a state to read from: every answer came from its cache and the diffs
      expect(built).toBe(4); // the four fresh views
      expect((await view.getAccount(ADDRS[1]!)).balance).toBe(10_000n);
      expect((await view.getAccount(OTHER)).balance).toBe(7n);
    } finally {
      await chain.close();
      await cleanup();
    }
  });

  it('drops its cache when the head moved by more than the block it is told of, or without a diff', async () => {
    const { dir, cleanup } = await tempDir();
    const chain = await openChain(dir);
    try {
      const view = new HeadStateView(chain);
      expect((await view.getAccount(ADDRS[1]!)).balance).toBe(0n);
      await executeBlock(chain, chain.nextTemplate(1n), [pooled(transfer(chain, KEYS[0], 0n, ADDRS[1]!, 5n))]);
      // block 1 is never reported; block 2's diff does not name ADDRS[1], but the cache is for genesis
      const second = await executeBlock(chain, chain.nextTemplate(2n), [pooled(transfer(chain, KEYS[0], 1n, ADDRS[0]!, 1n))]);
      expect(second.accounts?.has(ADDRS[1]!.slice(2).toLowerCase())).toBe(false);
      view.onHead(second.chainBlock, second.accounts);
      expect((await view.getAccount(ADDRS[1]!)).balance).toBe(5n);
      const third = await executeBlock(chain, chain.nextTemplate(3n), [pooled(transfer(chain, KEYS[0], 2n, ADDRS[1]!, 5n))]);
      view.onHead(third.chainBlock); // no diff
      expect((await view.getAccount(ADDRS[1]!)).balance).toBe(10n);
    } finally {
      await chain.close();
      await cleanup();
    }
  });
});
