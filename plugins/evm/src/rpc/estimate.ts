import type { createBlock } from '@ethereumjs/block';
import type { VM } from '@ethereumjs/vm';
import { MetisError } from '@metis/core';
import { assertSuccess, runCall, type CallRequest } from './call.js';
import { intrinsicGas } from './intrinsic.js';

/**
 * The smallest gas limit under `cap` with which the call succeeds: one run at the cap (which also reports
 * reverts with their data), then a binary search from the gas it used, as geth does.
 */
export async function estimateGas(vm: VM, env: ReturnType<typeof createBlock>, req: CallRequest, cap: bigint): Promise<bigint> {
  const { intrinsic, floor } = intrinsicGas(req.data, req.to === undefined);
  const base = intrinsic > floor ? intrinsic : floor;
  if (cap < base) throw new MetisError('RPC_EXECUTION_FAILED', { reason: `gas required exceeds allowance (${cap})` });
  // Each run starts from the same state: a successful run commits its writes to the journal, and a call that is
  // not idempotent (a name taken, a member joined) would then fail every later run of the search.
  const isolated = async (exec: bigint) => {
    await vm.evm.journal.checkpoint();
    try {
      return await runCall(vm, env, req, exec);
    } finally {
      await vm.evm.journal.revert();
    }
  };
  const succeeds = async (limit: bigint): Promise<boolean> => {
    const exec = limit - intrinsic;
    if (exec < 0n || limit < floor) return false;
    const result = await isolated(exec);
    return !result.execResult.exceptionError;
  };
  const first = await isolated(cap - intrinsic);
  assertSuccess(first);
  if (first.execResult.executionGasUsed === 0n) return base;
  const used = intrinsic + first.execResult.executionGasUsed;
  let lo = (used > base ? used : base) - 1n;
  let hi = cap;
  // Most calls succeed with what they used plus the 1/64 kept back by CALL: try that first.
  const guess = ((used + 2_300n) * 64n) / 63n;
  if (guess < hi && (await succeeds(guess))) hi = guess;
  else if (guess < hi) lo = guess;
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (await succeeds(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
