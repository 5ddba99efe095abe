import { createBlock } from '@ethereumjs/block';
import type { MerkleStateManager } from '@ethereumjs/statemanager';
import { Account, createZeroAddress, setLengthLeft, bytesToHex, type Address } from '@ethereumjs/util';
import { createVM, type VM } from '@ethereumjs/vm';
import type { EVMResult } from '@ethereumjs/evm';
import { MetisError } from '@metis/core';
import type { ChainBlock } from '../storage/chain-store.js';
import { installFastOpcodes } from '../vm/fast-opcodes.js';
import type { EthContext } from './context.js';
import { address, data, invalid, optionalQuantity, quantity } from './params.js';
import { decodeRevert } from './revert.js';

export interface CallRequest {
  from?: Address;
  to?: Address;
  gas?: bigint;
  gasPrice: bigint;
  value: bigint;
  data: Uint8Array;
}

export function callRequest(v: unknown): CallRequest {
  if (typeof v !== 'object' || v === null) throw invalid('call: expected a transaction object');
  const o = v as Record<string, unknown>;
  if (o.data !== undefined && o.input !== undefined && o.data !== o.input) throw invalid('call: data and input differ');
  return {
    from: o.from === undefined || o.from === null ? undefined : address(o.from, 'from'),
    to: o.to === undefined || o.to === null ? undefined : address(o.to, 'to'),
    gas: optionalQuantity(o.gas, 'gas'),
    gasPrice: optionalQuantity(o.gasPrice, 'gasPrice') ?? optionalQuantity(o.maxFeePerGas, 'maxFeePerGas') ?? 0n,
    value: optionalQuantity(o.value, 'value') ?? 0n,
    data: o.input !== undefined && o.input !== null ? data(o.input, 'input') : o.data !== undefined && o.data !== null ? data(o.data, 'data') : new Uint8Array(0),
  };
}

/** Applies eth_call state overrides (balance, nonce, code, state, stateDiff) inside a checkpoint. */
async function applyOverrides(state: MerkleStateManager, overrides: unknown): Promise<void> {
  if (overrides === undefined || overrides === null) return;
  if (typeof overrides !== 'object') throw invalid('state overrides: expected an object');
  for (const [addr, raw] of Object.entries(overrides as Record<string, Record<string, unknown>>)) {
    const a = address(addr, 'state override address');
    const account = (await state.getAccount(a)) ?? new Account();
    if (raw.balance !== undefined) account.balance = quantity(raw.balance, 'override balance');
    if (raw.nonce !== undefined) account.nonce = quantity(raw.nonce, 'override nonce');
    await state.putAccount(a, account);
    if (raw.code !== undefined) await state.putCode(a, data(raw.code, 'override code'));
    if (raw.state !== undefined && raw.stateDiff !== undefined) throw invalid('state override: both state and stateDiff');
    if (raw.state !== undefined) await state.clearStorage(a);
    for (const [slot, value] of Object.entries((raw.state ?? raw.stateDiff ?? {}) as Record<string, unknown>)) {
      await state.putStorage(a, setLengthLeft(data(slot, 'slot'), 32), setLengthLeft(data(value, 'slot value'), 32));
    }
  }
}

/**
 * Runs a message call against the state after `block`, reverting every change afterwards. Calls at the
 * head share the chain's VM under its lock; calls at older blocks get a VM over that block's state root.
 */
export async function withCallVm<T>(ctx: EthContext, block: ChainBlock, overrides: unknown, fn: (vm: VM, env: ReturnType<typeof createBlock>) => Promise<T>): Promise<T> {
  const env = createBlock(
    {
      header: {
        number: block.number + (block.number === ctx.chain.head.number ? 1n : 0n),
        timestamp: block.header.timestamp,
        gasLimit: block.header.gasLimit,
        baseFeePerGas: 0n,
        coinbase: block.header.coinbase,
      },
    },
    { common: ctx.chain.common, skipConsensusFormatValidation: true },
  );
  const run = async (vm: VM): Promise<T> => {
    await vm.evm.journal.checkpoint();
    try {
      await applyOverrides(vm.stateManager as MerkleStateManager, overrides);
      return await fn(vm, env);
    } finally {
      await vm.evm.journal.revert();
    }
  };
  if (block.number === ctx.chain.head.number) {
    return ctx.chain.exclusive(async () => {
      if (block.number !== ctx.chain.head.number) return runAtRoot(ctx, block, run);
      return run(ctx.chain.vm);
    });
  }
  return runAtRoot(ctx, block, run);
}

async function runAtRoot<T>(ctx: EthContext, block: ChainBlock, run: (vm: VM) => Promise<T>): Promise<T> {
  const state = await ctx.chain.stateAt(block.header.stateRoot);
  const vm = await createVM({ common: ctx.chain.common, stateManager: state, blockchain: ctx.chain.vm.blockchain });
  installFastOpcodes(vm);
  return run(vm);
}

export async function runCall(vm: VM, env: ReturnType<typeof createBlock>, req: CallRequest, gasLimit: bigint): Promise<EVMResult> {
  return vm.evm.runCall({
    caller: req.from ?? createZeroAddress(),
    origin: req.from ?? createZeroAddress(),
    to: req.to,
    data: req.data,
    value: req.value,
    gasLimit,
    gasPrice: req.gasPrice,
    block: env,
    skipBalance: req.value === 0n,
  });
}

/** Throws the error a client expects for a failed call: code 3 with revert data, or the EVM error. */
export function assertSuccess(result: EVMResult): void {
  const error = result.execResult.exceptionError;
  if (!error) return;
  if (error.error === 'revert') {
    const ret = bytesToHex(result.execResult.returnValue);
    const reason = decodeRevert(result.execResult.returnValue);
    throw new MetisError('RPC_EXECUTION_REVERTED', { reason: reason ? `: ${reason}` : '' }, { data: ret });
  }
  throw new MetisError('RPC_EXECUTION_FAILED', { reason: error.error });
}

export function capGas(ctx: EthContext, requested: bigint | undefined): bigint {
  const cap = ctx.options.callGasCap;
  if (requested !== undefined && requested > cap) throw new MetisError('RPC_GAS_CAP', { gas: requested, cap });
  return requested ?? cap;
}
