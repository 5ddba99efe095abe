import type { Common } from '@ethereumjs/common';
import { createAccessList2930Tx, createFeeMarket1559Tx, createLegacyTx, type AccessListBytesItem } from '@ethereumjs/tx';
import { bytesToHex, hexToBytes, privateToAddress, setLengthLeft, intToBytes } from '@ethereumjs/util';
import type { Hex } from '@metis/core';

export const GWEI = 1_000_000_000n;
export const ETH = 10n ** 18n;
const RECIPIENT = `0x${'ab'.repeat(20)}` as Hex;

export interface TxFields {
  nonce?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  gasPrice?: bigint;
  gasLimit?: bigint;
  to?: Hex | null;
  value?: bigint;
  data?: Uint8Array;
  accessList?: AccessListBytesItem[];
  chainId?: bigint;
}

/** A deterministic key pair (seed 1, 2, ...) that signs test transactions. */
export class Wallet {
  readonly privateKey: Uint8Array;
  readonly address: Hex;

  constructor(seed: number) {
    this.privateKey = setLengthLeft(intToBytes(seed + 0x1000), 32);
    this.address = bytesToHex(privateToAddress(this.privateKey)) as Hex;
  }

  /** A signed EIP-1559 transaction: 2 gwei max fee, 1 gwei tip, 21,000 gas, to a fixed recipient. */
  eip1559(common: Common, f: TxFields = {}): Uint8Array {
    return createFeeMarket1559Tx(
      {
        chainId: f.chainId ?? common.chainId(),
        nonce: f.nonce ?? 0n,
        maxFeePerGas: f.maxFeePerGas ?? 2n * GWEI,
        maxPriorityFeePerGas: f.maxPriorityFeePerGas ?? GWEI,
        gasLimit: f.gasLimit ?? 21_000n,
        to: f.to === null ? undefined : hexToBytes(f.to ?? RECIPIENT),
        value: f.value ?? 1n,
        data: f.data,
        accessList: f.accessList,
      },
      { common },
    )
      .sign(this.privateKey)
      .serialize();
  }

  /** A signed EIP-155 legacy transaction (or unprotected when `common` predates Spurious Dragon). */
  legacy(common: Common, f: TxFields = {}): Uint8Array {
    return createLegacyTx(
      {
        nonce: f.nonce ?? 0n,
        gasPrice: f.gasPrice ?? 2n * GWEI,
        gasLimit: f.gasLimit ?? 21_000n,
        to: f.to === null ? undefined : hexToBytes(f.to ?? RECIPIENT),
        value: f.value ?? 1n,
        data: f.data,
      },
      { common },
    )
      .sign(this.privateKey)
      .serialize();
  }

  /** A signed EIP-2930 transaction. */
  eip2930(common: Common, f: TxFields = {}): Uint8Array {
    return createAccessList2930Tx(
      {
        chainId: f.chainId ?? common.chainId(),
        nonce: f.nonce ?? 0n,
        gasPrice: f.gasPrice ?? 2n * GWEI,
        gasLimit: f.gasLimit ?? 21_000n,
        to: f.to === null ? undefined : hexToBytes(f.to ?? RECIPIENT),
        value: f.value ?? 1n,
        data: f.data,
        accessList: f.accessList,
      },
      { common },
    )
      .sign(this.privateKey)
      .serialize();
  }
}
