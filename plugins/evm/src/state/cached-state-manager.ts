import { RLP } from '@ethereumjs/rlp';
import { CacheType, Caches, MerkleStateManager } from '@ethereumjs/statemanager';
import {
  Account,
  EthereumJSErrorWithoutCode,
  equalsBytes,
  concatBytes,
  createAccountFromRLP,
  createAddressFromString,
  unpadBytes,
  unprefixedHexToBytes,
  type Address,
} from '@ethereumjs/util';
import { keccak256 } from '../crypto/keccak.js';
import { Lru } from '../storage/lru.js';
import { updateTrie, type TrieNodeStore, type TrieUpdate } from './batch-trie.js';
import { AccountEntry, copyAccount, ObjectAccountCache } from './object-account-cache.js';

/** Entries of the executing state's caches: far above what one block touches (see `stateCaches`). */
const CHAIN_CACHES = { account: 200_000, storage: 50_000, code: 5_000 };
/**
 * Entries of a read view's caches (`stateAt`: the pool's head view, RPC reads at a past block, eth_call at
 * one). lru-cache allocates its index arrays for `max` entries up front, so a view with the chain's sizes
 * cost over 100 ms to create, once per block for the pool's head view. Views only read; evicted entries
 * are read again from the trie.
 */
export const VIEW_CACHES = { account: 5_000, storage: 2_000, code: 200 };

/**
 * The state manager's caches, as LRU maps. ethereumjs's default is an ordered map (a red-black tree of hex
 * strings) that never evicts: the account cache of a long-running node grew with every account ever
 * touched, and each lookup compared strings down the tree. Dirty entries only live until the block's
 * flush, and one block touches a few thousand accounts and slots at most (30M gas), far below the chain's
 * sizes, so nothing unflushed is ever evicted.
 */
export function stateCaches(sizes: { account: number; storage: number; code: number } = CHAIN_CACHES): Caches {
  const account = { type: CacheType.LRU, size: sizes.account };
  const caches = new Caches({ account, storage: { type: CacheType.LRU, size: sizes.storage }, code: { type: CacheType.LRU, size: sizes.code } });
  caches.account = new ObjectAccountCache(account);
  return caches;
}

/** ethereumjs's prefix before a code hash in the database (`CODEHASH_PREFIX`, "c"). */
const CODEHASH_PREFIX = Uint8Array.of(0x63);

/**
 * MerkleStateManager that keeps storage writes in its caches and writes a block's changes to the tries in
 * one pass.
 *
 * - `putStorage`: upstream (ethereumjs 10.1) reads `this._caches?.storage?.put(...) ?? (await
 *   this._writeContractStorage(...))`; `put` returns undefined, so every SSTORE also wrote through to the
 *   storage trie and re-hashed its path, and the flush at commit wrote the same values again: about 80% of
 *   an ERC-20 transfer's execution time here. Writes stay in the cache until the flush.
 * - `getAccount`: with `stateCaches()`, cached accounts are objects (`ObjectAccountCache`), copied on read.
 * - `flush`: upstream puts every changed slot and account into its trie one at a time, each re-hashing its
 *   path up to the root. Here each trie (every touched contract's storage, then the accounts) gets all its
 *   changes at once through `BatchTrie`, which hashes each changed node once. Same nodes, same roots.
 */
export class CachedMerkleStateManager extends MerkleStateManager {
  /** The account trie's key (keccak-256 of the address) of accounts written lately: the same senders recur. */
  private readonly accountPaths = new Lru<string, Uint8Array>(50_000);
  /** Every account the flushes wrote since `takeFlushed()`, by unprefixed hex address; null: deleted. */
  private flushed: Map<string, Account | null> | undefined = new Map();

  /**
   * The accounts written to the account trie since the last call, and forgets them: a block's account
   * diff when taken after its state root (the head view updates its cache with it instead of dropping it).
   * Undefined when a flush went through upstream's path (no object caches), which does not list them.
   */
  takeFlushed(): Map<string, Account | null> | undefined {
    const flushed = this.flushed;
    this.flushed = new Map();
    return flushed;
  }

  /** An account held as an object by `ObjectAccountCache` is copied, not decoded from RLP. */
  override async getAccount(address: Address): Promise<Account | undefined> {
    const elem = this._caches?.account?.get(address);
    if (elem instanceof AccountEntry) return copyAccount(elem.account);
    return super.getAccount(address);
  }

  override async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    const storage = this._caches?.storage;
    if (!storage) return super.putStorage(address, key, value);
    if (key.length !== 32) throw EthereumJSErrorWithoutCode('Storage key must be 32 bytes long');
    if (value.length > 32) throw EthereumJSErrorWithoutCode('Storage value cannot be longer than 32 bytes');
    const account = await this.getAccount(address);
    if (!account) throw EthereumJSErrorWithoutCode('putStorage() called on non-existing account');
    storage.put(address, key, RLP.encode(unpadBytes(value)));
  }

  /**
   * Upstream hands back the storage trie it opened first for an address, whatever root the account has now:
   * after the flush moved the root, or after the account was deleted (EIP-6780 self-destruct) and created
   * again, reads would see the old storage. The trie is moved to the account's current root.
   */
  protected override _getStorageTrie(addressOrHash: Address | { bytes: Uint8Array } | Uint8Array, rootAccount?: Account) {
    const trie = super._getStorageTrie(addressOrHash, rootAccount);
    if (rootAccount && !equalsBytes(trie.root(), rootAccount.storageRoot)) trie.root(rootAccount.storageRoot);
    return trie;
  }

  override async flush(): Promise<void> {
    const caches = this._caches;
    if (!caches?.account || !caches.storage) {
      this.flushed = undefined;
      return super.flush();
    }
    await this.flushCode();
    const store = this._trie.database() as unknown as TrieNodeStore;
    const keccak = this.common.customCrypto.keccak256 ?? keccak256;

    // Storage: every changed slot of a contract in one update of its storage trie.
    const byAccount = new Map<string, TrieUpdate[]>();
    for (const [addressHex, keyHex, value] of caches.storage.flush()) {
      let updates = byAccount.get(addressHex);
      if (!updates) byAccount.set(addressHex, (updates = []));
      // The cache holds RLP(unpadded value); an empty value (0x80, or nothing) deletes the slot.
      const stored = value === undefined || value.length === 0 || (value.length === 1 && value[0] === 0x80) ? null : value;
      updates.push([keccak(unprefixedHexToBytes(keyHex)), stored]);
    }
    for (const [addressHex, updates] of byAccount) {
      const address = createAddressFromString(`0x${addressHex}`);
      const account = await this.getAccount(address);
      if (!account) continue; // as upstream: storage of an account deleted since is dropped
      account.storageRoot = await updateTrie(store, account.storageRoot, updates, keccak);
      await this.putAccount(address, account);
    }

    // Accounts: one update of the account trie.
    const accounts: TrieUpdate[] = [];
    for (const [addressHex, elem] of caches.account.flush()) {
      const rlp = elem.accountRLP ?? null;
      let path = this.accountPaths.peek(addressHex);
      if (!path) this.accountPaths.set(addressHex, (path = keccak(unprefixedHexToBytes(addressHex))));
      accounts.push([path, rlp]);
      this.flushed?.set(addressHex, elem instanceof AccountEntry ? elem.account : rlp ? createAccountFromRLP(rlp) : null);
    }
    if (accounts.length > 0) this._trie.root(await updateTrie(store, this._trie.root(), accounts, keccak));
  }

  /** Upstream's code part of `flush`: new code into the database, and its hash into the account. */
  private async flushCode(): Promise<void> {
    for (const [addressHex, { code }] of this._caches?.code?.flush() ?? []) {
      if (code === undefined) continue;
      const address = createAddressFromString(`0x${addressHex}`);
      const codeHash = (this.common.customCrypto.keccak256 ?? keccak256)(code);
      const key = this._prefixCodeHashes ? concatBytes(CODEHASH_PREFIX, codeHash) : codeHash;
      await this._getCodeDB().put(key, code);
      if ((await this.getAccount(address)) === undefined) await this.putAccount(address, new Account());
      await this.modifyAccountFields(address, { codeHash });
    }
  }
}
