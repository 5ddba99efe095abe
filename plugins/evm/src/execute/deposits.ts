import type { Block } from '@ethereumjs/block';
import type { EVMResult } from '@ethereumjs/evm';
import { Account, Address, bytesToHex, bytesToUnprefixedHex, hexToBytes, type PrefixedHexString } from '@ethereumjs/util';
import type { VM } from '@ethereumjs/vm';
import { MetisError, type Deposit, type Hex } from '@metis/core';
import { NATIVE_TOKEN } from '../constants.js';
import { keccak256 } from '../crypto/keccak.js';
import type { StoredLog } from '../storage/block-codec.js';

const U64_MAX = (1n << 64n) - 1n;
const U256_MAX = (1n << 256n) - 1n;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HEX_BYTES = /^0x(?:[0-9a-fA-F]{2})*$/;

/** The L2 bridge entry point every deposit calls. */
export const FINALIZE_DEPOSIT_SIGNATURE = 'finalizeDeposit(uint64,address,address,address,uint256,bytes)';
/** First 4 bytes of keccak-256 of the signature. */
export const FINALIZE_DEPOSIT_SELECTOR: Uint8Array = keccak256(new TextEncoder().encode(FINALIZE_DEPOSIT_SIGNATURE)).slice(0, 4);

/** Where and how deposits execute: the bridge, the caller, the gas each call gets. */
export interface DepositConfig {
  readonly bridge: Address;
  readonly systemCaller: Address;
  readonly gasLimit: bigint;
}

/** What crediting one deposit did. A failed deposit (status 0) credited nothing and emitted no logs. */
export interface DepositOutcome {
  readonly status: 0 | 1;
  readonly gasUsed: bigint;
  readonly logs: StoredLog[];
  /** Why it failed (revert, out of gas, no bridge code): for the log, never stored. */
  readonly error?: string;
}

/** A 32-byte big-endian word. */
function word(value: bigint, out: Uint8Array, offset: number): void {
  let v = value;
  for (let i = offset + 31; i >= offset && v > 0n; i--, v >>= 8n) out[i] = Number(v & 0xffn);
}

function addressWord(address: Hex, out: Uint8Array, offset: number): void {
  out.set(hexToBytes(address), offset + 12);
}

/**
 * ABI calldata of `finalizeDeposit(uint64 index, address from, address to, address l1Token, uint256 amount,
 * bytes tokenMeta)`: the selector, five static words, the offset of the bytes (6 · 32), their length and
 * the bytes right-padded to a multiple of 32.
 */
export function encodeFinalizeDeposit(d: Deposit): Uint8Array {
  const meta = hexToBytes(d.tokenMeta);
  const padded = Math.ceil(meta.length / 32) * 32;
  const out = new Uint8Array(4 + 32 * 7 + padded);
  out.set(FINALIZE_DEPOSIT_SELECTOR, 0);
  word(d.index, out, 4);
  addressWord(d.from, out, 4 + 32);
  addressWord(d.to, out, 4 + 64);
  addressWord(d.l1Token, out, 4 + 96);
  word(d.amount, out, 4 + 128);
  word(192n, out, 4 + 160);
  word(BigInt(meta.length), out, 4 + 192);
  out.set(meta, 4 + 224);
  return out;
}

/**
 * The hash that stands for a deposit where a transaction hash is expected (the `transactionHash` of the
 * logs it emitted): keccak-256 of abi.encode(uint256 chainId, uint256 index). Deterministic, never a real
 * transaction's hash (those hash an RLP list or a typed envelope, never a 64-byte word pair).
 */
export function depositHash(chainId: bigint, index: bigint): Hex {
  const input = new Uint8Array(64);
  word(chainId, input, 0);
  word(index, input, 32);
  return bytesToHex(keccak256(input)) as Hex;
}

/**
 * Checks the deposits a block credits: well-formed, and indices contiguous from `first`. Returns them with
 * addresses and bytes in lower-case hex (as stored). Throws DEPOSIT_INVALID.
 */
export function validateDeposits(deposits: readonly Deposit[], first: bigint, number: bigint): Deposit[] {
  const invalid = (reason: string): MetisError => new MetisError('DEPOSIT_INVALID', { number, reason });
  return deposits.map((d, i) => {
    if (typeof d !== 'object' || d === null) throw invalid(`deposit ${i} is not an object`);
    const expected = first + BigInt(i);
    if (typeof d.index !== 'bigint' || d.index !== expected) {
      throw invalid(`deposit ${i} has index ${String(d.index)}, expected ${expected} (contiguous from ${first})`);
    }
    if (d.index > U64_MAX) throw invalid(`deposit index ${d.index} does not fit in 64 bits`);
    if (typeof d.l1Block !== 'bigint' || d.l1Block < 0n || d.l1Block > U64_MAX) throw invalid(`deposit ${d.index}: bad l1Block`);
    for (const field of ['from', 'to', 'l1Token'] as const) {
      if (typeof d[field] !== 'string' || !ADDRESS.test(d[field])) throw invalid(`deposit ${d.index}: ${field} is not a 20-byte address`);
    }
    if (typeof d.amount !== 'bigint' || d.amount < 0n || d.amount > U256_MAX) throw invalid(`deposit ${d.index}: amount out of range`);
    if (typeof d.tokenMeta !== 'string' || !HEX_BYTES.test(d.tokenMeta)) throw invalid(`deposit ${d.index}: tokenMeta is not hex bytes`);
    return Object.freeze({
      index: d.index,
      l1Block: d.l1Block,
      from: d.from.toLowerCase() as Hex,
      to: d.to.toLowerCase() as Hex,
      l1Token: d.l1Token.toLowerCase() as Hex,
      amount: d.amount,
      tokenMeta: d.tokenMeta.toLowerCase() as Hex,
    });
  });
}

/**
 * Credits one deposit as a system call: no nonce, fee or signature. For the native coin, `amount` is first
 * minted to the system caller, then `finalizeDeposit` is called on the bridge with that value and
 * `config.gasLimit` gas. Runs under its own journal checkpoint: if the call reverts or runs out of gas (or
 * the bridge has no code), everything is undone, the mint included, and the outcome has status 0. The
 * deposit is consumed either way. Throws only when the VM itself fails (the caller reverts the block).
 */
export async function runDeposit(vm: VM, env: Block, deposit: Deposit, config: DepositConfig): Promise<DepositOutcome> {
  const journal = vm.evm.journal;
  const state = vm.stateManager;
  const native = deposit.l1Token === NATIVE_TOKEN;
  const value = native ? deposit.amount : 0n;
  // As every transaction starts: empty warm sets, touched accounts of the previous one cleaned up.
  await journal.cleanup();
  await journal.checkpoint();
  let result: EVMResult | undefined;
  let failure: string | undefined;
  try {
    const code = await state.getCode(config.bridge);
    if (code.length === 0) {
      failure = 'no contract at the bridge address';
    } else {
      if (value > 0n) {
        const caller = (await state.getAccount(config.systemCaller)) ?? new Account();
        caller.balance += value;
        await journal.putAccount(config.systemCaller, caller);
      }
      // EIP-2929 warm set of a transaction from the system caller to the bridge.
      for (const address of vm.evm.precompiles.keys()) journal.addAlwaysWarmAddress(address);
      journal.addAlwaysWarmAddress(bytesToUnprefixedHex(config.systemCaller.bytes));
      journal.addAlwaysWarmAddress(bytesToUnprefixedHex(config.bridge.bytes));
      journal.addAlwaysWarmAddress(bytesToUnprefixedHex(env.header.coinbase.bytes));
      result = await vm.evm.runCall({
        caller: config.systemCaller,
        origin: config.systemCaller,
        to: config.bridge,
        value,
        data: encodeFinalizeDeposit(deposit),
        gasLimit: config.gasLimit,
        gasPrice: 0n,
        block: env,
        skipNonceIncrement: true,
      });
      const error = result.execResult.exceptionError;
      if (error) failure = error.error;
    }
    if (failure === undefined) {
      await destroySelfdestructed(vm, result!);
      await journal.commit();
    } else {
      await journal.revert();
    }
  } catch (e) {
    await journal.revert();
    throw e;
  }
  await journal.cleanup();
  state.originalStorageCache.clear();
  const gasUsed = result?.execResult.executionGasUsed ?? 0n;
  if (failure !== undefined) return { status: 0, gasUsed, logs: [], error: failure };
  const logs = (result!.execResult.logs ?? []).map(([address, topics, data]): StoredLog => [address, topics, data]);
  return { status: 1, gasUsed, logs };
}

/** EIP-6780, as runTx applies it: accounts created and self-destructed in the same call are deleted. */
async function destroySelfdestructed(vm: VM, result: EVMResult): Promise<void> {
  const destroyed = result.execResult.selfdestruct;
  if (!destroyed || destroyed.size === 0) return;
  const created = result.execResult.createdAddresses ?? new Set<string>();
  for (const hex of [...destroyed.keys()].sort()) {
    if (vm.common.isActivatedEIP(6780) && !created.has(hex)) continue;
    await vm.evm.journal.deleteAccount(new Address(hexToBytes(hex as PrefixedHexString)));
  }
}
