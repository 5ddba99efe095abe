import { Account, createAddressFromString, setLengthLeft } from '@ethereumjs/util';
import { describe, expect, it } from 'vitest';
import { openChain, tempDir } from './helpers.js';

describe('CachedMerkleStateManager', () => {
  it('keeps storage writes in the cache until commit, then persists them', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const chain = await openChain(dir);
      const contract = createAddressFromString(`0x${'cc'.repeat(20)}`);
      const slot = setLengthLeft(Uint8Array.of(7), 32);
      const state = chain.state;
      await state.checkpoint();
      await state.putAccount(contract, new Account(1n, 0n));
      await state.commit();
      const rootBefore = await state.getStateRoot();
      chain.trieDb.drain(); // the account's nodes (they stay readable from the node cache)

      await state.checkpoint();
      await state.putStorage(contract, slot, Uint8Array.of(42));
      expect(chain.trieDb.drain()).toEqual([]); // nothing reached the trie yet
      expect(await state.getStorage(contract, slot)).toEqual(Uint8Array.of(42));
      await state.commit();
      const rootAfter = await state.getStateRoot();
      expect(rootAfter).not.toEqual(rootBefore);

      const fresh = await chain.stateAt(rootAfter);
      expect(await fresh.getStorage(contract, slot)).toEqual(Uint8Array.of(42));
      await chain.close();
    } finally {
      await cleanup();
    }
  });

  it('reverts storage writes with the checkpoint', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const chain = await openChain(dir);
      const contract = createAddressFromString(`0x${'cd'.repeat(20)}`);
      const slot = setLengthLeft(Uint8Array.of(1), 32);
      await chain.state.checkpoint();
      await chain.state.putAccount(contract, new Account(1n, 0n));
      await chain.state.checkpoint();
      await chain.state.putStorage(contract, slot, Uint8Array.of(9));
      await chain.state.revert();
      expect(await chain.state.getStorage(contract, slot)).toEqual(new Uint8Array(0));
      await chain.state.commit();
      await chain.close();
    } finally {
      await cleanup();
    }
  });
});
