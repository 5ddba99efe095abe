import { MerklePatriciaTrie } from '@ethereumjs/mpt';
import { Caches, MerkleStateManager } from '@ethereumjs/statemanager';
import { Account, bytesToHex, createAddressFromString, setLengthLeft } from '@ethereumjs/util';
import { describe, expect, it } from 'vitest';
import { CachedMerkleStateManager, stateCaches } from '../src/state/cached-state-manager.js';
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

describe('CachedMerkleStateManager flush (one batch per trie)', () => {
  it.each([
    ['upstream caches', () => new Caches()],
    ['stateCaches() (accounts cached as objects)', stateCaches],
  ])('gives the same state roots as upstream MerkleStateManager over blocks of account, storage, code and delete changes, with %s', async (_, caches) => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
    const addresses = Array.from({ length: 40 }, (_, i) => createAddressFromString(`0x${(i + 1).toString(16).padStart(40, '0')}`));
    const slots = Array.from({ length: 12 }, (_, i) => setLengthLeft(Uint8Array.of(i), 32));
    const ours = new CachedMerkleStateManager({ trie: new MerklePatriciaTrie({ useKeyHashing: true }), caches: caches() });
    const upstream = new MerkleStateManager({ trie: new MerklePatriciaTrie({ useKeyHashing: true }), caches: new Caches() });
    const both = async (f: (s: MerkleStateManager) => Promise<unknown>) => {
      await f(ours);
      await f(upstream);
    };
    for (let block = 0; block < 15; block++) {
      await both((s) => s.checkpoint());
      for (let op = 0; op < 60; op++) {
        const r = rand();
        const address = r < 0.35 ? pick(addresses) : pick(addresses.slice(0, 30));
        const exists = (await upstream.getAccount(address)) !== undefined;
        if (r < 0.35 || !exists) {
          const account = new Account(BigInt(Math.floor(rand() * 5)), BigInt(Math.floor(rand() * 1e6)));
          await both(async (s) => {
            const current = await s.getAccount(address);
            await s.putAccount(address, current ? new Account(account.nonce, account.balance, current.storageRoot, current.codeHash) : account);
          });
        } else if (r < 0.8) {
          // Zero values delete the slot.
          const value = rand() < 0.3 ? new Uint8Array(0) : Uint8Array.of(Math.floor(rand() * 256), 1);
          const slot = pick(slots);
          await both((s) => s.putStorage(address, slot, value));
        } else if (r < 0.9) {
          const code = Uint8Array.of(0x60, Math.floor(rand() * 256), 0x00);
          await both((s) => s.putCode(address, code));
        } else {
          // Deletes hit accounts without storage: upstream with caches resurrects a deleted account's old
          // storage trie on its next write (its _storageTries entry survives), which the test below covers.
          const plain = pick(addresses.slice(30));
          await both((s) => s.deleteAccount(plain));
        }
      }
      if (rand() < 0.2) {
        // A reverted inner checkpoint leaves no trace.
        await both((s) => s.checkpoint());
        await both((s) => s.putStorage(addresses[0], slots[0], Uint8Array.of(99)).catch(() => undefined));
        await both((s) => s.putAccount(addresses[1], new Account(99n, 99n)));
        await both((s) => s.deleteAccount(addresses[2]));
        await both((s) => s.revert());
      }
      await both((s) => s.commit());
      expect(bytesToHex(await ours.getStateRoot()), `block ${block}`).toBe(bytesToHex(await upstream.getStateRoot()));
    }
    // Reads after the flushes see the flushed storage (the storage tries were reopened at the new roots).
    for (const address of addresses) {
      for (const slot of slots) expect(await ours.getStorage(address, slot)).toEqual(await upstream.getStorage(address, slot));
    }
  });
});

describe('CachedMerkleStateManager deleted accounts', () => {
  it('drops the storage of a deleted account: recreated, it starts empty, with the root of a state that never had it', async () => {
    const address = createAddressFromString(`0x${'ab'.repeat(20)}`);
    const other = createAddressFromString(`0x${'cd'.repeat(20)}`);
    const slot = setLengthLeft(Uint8Array.of(3), 32);
    const ours = new CachedMerkleStateManager({ trie: new MerklePatriciaTrie({ useKeyHashing: true }), caches: new Caches() });
    await ours.checkpoint();
    await ours.putAccount(address, new Account(1n, 5n));
    await ours.putStorage(address, slot, Uint8Array.of(42));
    await ours.putAccount(other, new Account(0n, 1n));
    await ours.commit();
    await ours.getStateRoot();
    await ours.checkpoint();
    await ours.deleteAccount(address);
    await ours.commit();
    await ours.getStateRoot();
    await ours.checkpoint();
    await ours.putAccount(address, new Account(2n, 6n));
    expect(await ours.getStorage(address, slot)).toEqual(new Uint8Array(0)); // before any flush too
    await ours.putStorage(address, setLengthLeft(Uint8Array.of(4), 32), Uint8Array.of(1));
    await ours.commit();
    const root = await ours.getStateRoot();
    expect(await ours.getStorage(address, slot)).toEqual(new Uint8Array(0));

    const fresh = new CachedMerkleStateManager({ trie: new MerklePatriciaTrie({ useKeyHashing: true }), caches: new Caches() });
    await fresh.checkpoint();
    await fresh.putAccount(other, new Account(0n, 1n));
    await fresh.putAccount(address, new Account(2n, 6n));
    await fresh.putStorage(address, setLengthLeft(Uint8Array.of(4), 32), Uint8Array.of(1));
    await fresh.commit();
    expect(bytesToHex(root)).toBe(bytesToHex(await fresh.getStateRoot()));
  });
});
