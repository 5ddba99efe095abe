import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFeeMarket1559Tx, type TypedTransaction } from '@ethereumjs/tx';
import { bytesToHex, createAddressFromPrivateKey, hexToBytes } from '@ethereumjs/util';
import { createLogger, type Deposit, type Hex, type PooledTx } from '@metis/core';
import { EvmChain, type EvmChainOptions } from '../src/chain.js';
import { NATIVE_TOKEN } from '../src/constants.js';
import type { GenesisSpec } from '../src/genesis.js';

export const KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
] as const;
export const ADDRS = KEYS.map((k) => createAddressFromPrivateKey(hexToBytes(k)).toString() as Hex);

export function genesis(): GenesisSpec {
  return {
    alloc: { [ADDRS[0]!]: { balance: 10n ** 24n } },
    timestamp: 0n,
    gasLimit: 30_000_000n,
    baseFeePerGas: 1_000_000_000n,
    extraData: '0x',
  };
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'metis-evm-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function openChain(dir: string, spec = genesis(), extra: Partial<EvmChainOptions> = {}): Promise<EvmChain> {
  return EvmChain.open({ dir, chainId: 1337n, genesis: spec, coinbase: `0x${'00'.repeat(20)}`, logger: createLogger({ level: 'silent' }), ...extra });
}

/** A native-coin deposit of `amount` to `to` (override any field). */
export function deposit(index: bigint, to: Hex, amount: bigint, extra: Partial<Deposit> = {}): Deposit {
  return { index, l1Block: 100n + index, from: `0x${'11'.repeat(20)}`, to, l1Token: NATIVE_TOKEN, amount, tokenMeta: '0x', ...extra };
}

/** tokenMeta that makes the DepositRecorder test contract revert / run out of gas. */
export const REVERT_META = `0x${Buffer.from('revert').toString('hex')}` as Hex;
export const BURN_META = `0x${Buffer.from('burn').toString('hex')}` as Hex;

export function transfer(chain: EvmChain, key: Hex, nonce: bigint, to: Hex, value: bigint, extra: Partial<{ data: Hex; gasLimit: bigint; to: Hex | undefined }> = {}): TypedTransaction {
  return createFeeMarket1559Tx(
    {
      chainId: 1337n,
      nonce,
      to: 'to' in extra ? extra.to : to,
      value,
      gasLimit: extra.gasLimit ?? 21_000n,
      maxFeePerGas: 10_000_000_000n,
      maxPriorityFeePerGas: 1_000_000_000n,
      data: extra.data,
    },
    { common: chain.common },
  ).sign(hexToBytes(key));
}

export function pooled(tx: TypedTransaction): PooledTx {
  return {
    hash: bytesToHex(tx.hash()) as Hex,
    sender: tx.getSenderAddress().toString() as Hex,
    nonce: tx.nonce,
    gasLimit: tx.gasLimit,
    maxFeePerGas: (tx as { maxFeePerGas: bigint }).maxFeePerGas,
    maxPriorityFeePerGas: (tx as { maxPriorityFeePerGas: bigint }).maxPriorityFeePerGas,
    raw: tx.serialize(),
    source: 'rpc',
    decoded: tx,
  };
}

/** A deterministic PRNG (mulberry32) in [0, 1), so a failing randomized case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` bytes drawn from `rand`. */
export const randomBytesFrom = (rand: () => number, n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
