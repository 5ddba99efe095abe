import { AccountCache } from '@ethereumjs/statemanager';
import { Account, bytesToUnprefixedHex, type Address } from '@ethereumjs/util';

/** A copy of an account's four fields: callers mutate the accounts they get and put. */
export function copyAccount(account: Account): Account {
  return new Account(account.nonce, account.balance, account.storageRoot, account.codeHash);
}

/**
 * A cached account held as an object. Its RLP, which the flush writes to the trie, is built only when read,
 * and once.
 */
export class AccountEntry {
  #rlp: Uint8Array | undefined;
  constructor(readonly account: Account) {}
  get accountRLP(): Uint8Array {
    return (this.#rlp ??= this.account.serialize());
  }
}

/**
 * ethereumjs's account cache stores each account RLP-encoded: every `putAccount` serialized it and every
 * `getAccount` decoded it again, several times per transaction (sender, recipient, coinbase; nonce, value,
 * gas, refund). This cache keeps a private copy of the account object and serializes it only when the
 * flush asks for its RLP. Checkpoints, reverts and the flush are upstream's, unchanged: they only move
 * elements around. Partial accounts (stateless state managers) go through upstream's path.
 */
export class ObjectAccountCache extends AccountCache {
  override put(address: Address, account: Account | undefined, couldBePartialAccount = false): void {
    if (account === undefined || couldBePartialAccount) return super.put(address, account, couldBePartialAccount);
    const addressHex = bytesToUnprefixedHex(address.bytes);
    this._saveCachePreState(addressHex);
    const elem = new AccountEntry(copyAccount(account));
    if (this._lruCache) this._lruCache.set(addressHex, elem);
    else this._orderedMapCache!.setElement(addressHex, elem);
    this._stats.writes += 1;
  }
}

