import { createBlockHeader, type BlockHeader } from '@ethereumjs/block';
import type { Common } from '@ethereumjs/common';
import type { MerkleStateManager } from '@ethereumjs/statemanager';
import { createHash } from 'node:crypto';
import { Account, createAddressFromString, hexToBytes, setLengthLeft } from '@ethereumjs/util';
import { MetisError, type GenesisAccounts, type Hex } from '@metis/core';
import type { DepositConfig } from './execute/deposits.js';

export interface GenesisAccount {
  readonly balance: bigint;
  readonly nonce?: bigint;
  readonly code?: Hex;
  readonly storage?: Readonly<Record<Hex, Hex>>;
}

export interface GenesisSpec {
  readonly alloc: Readonly<Record<Hex, GenesisAccount>>;
  readonly timestamp: bigint;
  readonly gasLimit: bigint;
  readonly baseFeePerGas: bigint;
  readonly extraData: Hex;
}

/** Writes the allocations into the (empty) state and returns the genesis header. */
export async function applyGenesis(common: Common, state: MerkleStateManager, spec: GenesisSpec): Promise<BlockHeader> {
  await state.checkpoint();
  for (const [addressHex, account] of Object.entries(spec.alloc)) {
    const address = createAddressFromString(addressHex);
    await state.putAccount(address, new Account(account.nonce ?? 0n, account.balance));
    if (account.code && account.code !== '0x') await state.putCode(address, hexToBytes(account.code));
    for (const [slot, value] of Object.entries(account.storage ?? {})) {
      await state.putStorage(address, setLengthLeft(hexToBytes(slot as Hex), 32), hexToBytes(value as Hex));
    }
  }
  await state.commit();
  const stateRoot = await state.getStateRoot();
  return createBlockHeader(
    {
      number: 0n,
      timestamp: spec.timestamp,
      gasLimit: spec.gasLimit,
      baseFeePerGas: spec.baseFeePerGas,
      extraData: hexToBytes(spec.extraData),
      stateRoot,
    },
    { common, skipConsensusFormatValidation: true },
  );
}

/**
 * The genesis allocation: the evm plugin's `genesis.alloc` option plus the accounts other plugins place
 * (GENESIS_ACCOUNTS: predeploys, system accounts), keyed by lower-case address. An address placed twice
 * is GENESIS_CONFLICT.
 */
export function mergeGenesisAlloc(
  fromOptions: Readonly<Record<string, GenesisAccount>>,
  fromPlugins: GenesisAccounts = {},
): Record<Hex, GenesisAccount> {
  const merged: Record<Hex, GenesisAccount> = {};
  const owner = new Map<string, string>();
  const place = (address: string, account: GenesisAccount, by: string): void => {
    const key = address.toLowerCase() as Hex;
    const first = owner.get(key);
    if (first !== undefined) throw new MetisError('GENESIS_CONFLICT', { address: key, first, second: by });
    owner.set(key, by);
    merged[key] = account;
  };
  for (const [address, account] of Object.entries(fromOptions)) place(address, account, 'evm (genesis.alloc)');
  for (const [address, account] of Object.entries(fromPlugins)) {
    place(address, { ...account, balance: account.balance ?? 0n }, 'a plugin genesis hook');
  }
  return merged;
}

/** Bump when the stored block format or the block rules change: older data directories are refused. */
const CHAIN_FORMAT = 2;

/**
 * A fingerprint of the chain id, the genesis (alloc from every source) and the rules deposits execute
 * under, stored with the data so a changed config is caught (GENESIS_MISMATCH).
 */
export function genesisFingerprint(chainId: bigint, spec: GenesisSpec, deposits?: DepositConfig): Uint8Array {
  const alloc = Object.fromEntries(
    Object.entries(spec.alloc)
      .map(([address, account]) => [address.toLowerCase(), account] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  const rules = deposits && {
    bridge: deposits.bridge.toString(),
    systemCaller: deposits.systemCaller.toString(),
    gasLimit: deposits.gasLimit,
  };
  const canonical = JSON.stringify({ format: CHAIN_FORMAT, chainId, ...spec, alloc, deposits: rules }, (_, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : typeof v === 'string' ? v.toLowerCase() : v,
  );
  return new Uint8Array(createHash('sha256').update(canonical).digest());
}
