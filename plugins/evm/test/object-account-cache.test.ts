import { MerklePatriciaTrie } from '@ethereumjs/mpt';
import { Account, bytesToHex, createAddressFromString } from '@ethereumjs/util';
import { describe, expect, it } from 'vitest';
import { CachedMerkleStateManager, VIEW_CACHES, stateCaches } from '../src/state/cached-state-manager.js';

const address = createAddressFromString(`0x${'12'.repeat(20)}`);
const fresh = () => new CachedMerkleStateManager({ trie: new MerklePatriciaTrie({ useKeyHashing: true }), caches: stateCaches() });

describe('accounts cached as objects', () => {
  it('keeps its own copy: changing an account after putAccount, or one returned by getAccount, changes nothing', async () => {
    const state = fresh();
    const account = new Account(1n, 100n);
    await state.putAccount(address, account);
    account.balance = 5n;
    account.nonce = 9n;
    const read = (await state.getAccount(address))!;
    expect([read.nonce, read.balance]).toEqual([1n, 100n]);
    read.balance = 7n;
    const again = (await state.getAccount(address))!;
    expect([again.nonce, again.balance]).toEqual([1n, 100n]);
    expect(again).not.toBe(read);
  });

  it('restores the account of the checkpoint on revert, and undefined for an account created after it', async () => {
    const state = fresh();
    const other = createAddressFromString(`0x${'34'.repeat(20)}`);
    await state.putAccount(address, new Account(1n, 100n));
    await state.checkpoint();
    await state.putAccount(address, new Account(2n, 50n));
    await state.putAccount(other, new Account(0n, 1n));
    await state.checkpoint();
    await state.deleteAccount(address);
    expect(await state.getAccount(address)).toBeUndefined();
    await state.revert();
    expect((await state.getAccount(address))?.balance).toBe(50n);
    await state.revert();
    expect((await state.getAccount(address))?.balance).toBe(100n);
    expect(await state.getAccount(other)).toBeUndefined();
  });

  it('writes the same account RLP to the trie as the account serializes to', async () => {
    const trie = new MerklePatriciaTrie({ useKeyHashing: true });
    const state = new CachedMerkleStateManager({ trie, caches: stateCaches() });
    const account = new Account(3n, 10n ** 20n);
    await state.checkpoint();
    await state.putAccount(address, account);
    await state.commit();
    await state.flush();
    expect(bytesToHex((await trie.get(address.bytes))!)).toBe(bytesToHex(account.serialize()));
  });
});

describe('cache sizes', () => {
  it("gives read views small caches and the executing state the chain's (lru-cache allocates for its maximum up front)", () => {
    const max = (caches: ReturnType<typeof stateCaches>) => [caches.account!._lruCache!.max, caches.storage!._lruCache!.max, caches.code!._lruCache!.max];
    expect(max(stateCaches(VIEW_CACHES))).toEqual([VIEW_CACHES.account, VIEW_CACHES.storage, VIEW_CACHES.code]);
    expect(max(stateCaches())[0]).toBeGreaterThanOrEqual(100_000);
    expect(VIEW_CACHES.account).toBeLessThanOrEqual(10_000);
  });
});
