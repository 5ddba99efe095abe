import { createBlockHeader, type BlockHeader } from '@ethereumjs/block';
import type { Common } from '@ethereumjs/common';
import type { MerkleStateManager } from '@ethereumjs/statemanager';
import { createHash } from 'node:crypto';
import { Account, createAddressFromString, hexToBytes, setLengthLeft } from '@ethereumjs/util';
import type { Hex } from '@metis/core';

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

/** A fingerprint of the chain id and genesis, stored with the data so a changed config is caught. */
export function genesisFingerprint(chainId: bigint, spec: GenesisSpec): Uint8Array {
  const alloc = Object.fromEntries(Object.entries(spec.alloc).sort(([a], [b]) => a.toLowerCase().localeCompare(b.toLowerCase())));
  const canonical = JSON.stringify({ chainId, ...spec, alloc }, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return new Uint8Array(createHash('sha256').update(canonical).digest());
}
