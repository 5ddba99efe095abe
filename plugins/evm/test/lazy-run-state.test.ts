import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { EVM } from '@ethereumjs/evm';
import { Account, bytesToHex, createAddressFromString, hexToBytes } from '@ethereumjs/util';
import { createVM } from '@ethereumjs/vm';
import { describe, expect, it } from 'vitest';
import { installLazyRunState } from '../src/vm/lazy-run-state.js';

// SSTORE 1 <- 0x2a, MSTORE, LOG1 over 32 bytes of memory, RETURN 32 bytes; and a REVERT carrying 32 bytes.
const OK = hexToBytes(`0x${['602a600155', '602a600052', '6007', '6020', '6000', 'a1', '6020', '6000', 'f3'].join('')}`);
const REVERTS = hexToBytes('0x602a60005260206000fd');

async function run(code: Uint8Array) {
  const vm = await createVM({ common: new Common({ chain: Mainnet, hardfork: Hardfork.Prague }) });
  const contract = createAddressFromString(`0x${'c1'.repeat(20)}`);
  await vm.stateManager.putAccount(contract, new Account());
  await vm.stateManager.putCode(contract, code);
  const { execResult: r } = await vm.evm.runCall({ to: contract, gasLimit: 100_000n });
  return {
    summary: {
      error: r.exceptionError?.error,
      gas: r.executionGasUsed,
      left: r.gas,
      refund: r.gasRefund,
      returned: bytesToHex(r.returnValue),
      logs: (r.logs ?? []).map(([a, t, d]) => [bytesToHex(a), t.map(bytesToHex), bytesToHex(d)]),
    },
    runState: {
      gasLeft: r.runState?.gasLeft,
      programCounter: r.runState?.programCounter,
      depth: r.runState?.env.depth,
      address: r.runState?.env.address.toString(),
      stack: r.runState?.stack.length,
    },
  };
}

describe('installLazyRunState', () => {
  it('patches the installed @ethereumjs/evm, and calls give the same results and run state', async () => {
    const proto = EVM.prototype as unknown as { runInterpreter: unknown };
    const upstream = proto.runInterpreter;
    const before = [await run(OK), await run(REVERTS)];
    expect(await installLazyRunState()).toBe(true);
    expect(proto.runInterpreter).not.toBe(upstream);
    const after = [await run(OK), await run(REVERTS)];
    expect(before[0]!.summary.logs).toHaveLength(1);
    expect(before[1]!.summary.error).toBe('revert');
    expect(after).toEqual(before);
  });
});
