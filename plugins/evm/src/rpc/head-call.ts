import { bytesToHex, createAddressFromString, hexToBytes } from '@ethereumjs/util';
import { MetisError, type Hex } from '@metis/core';
import type { EvmCallRequest, EvmCaller } from '../capabilities.js';
import type { EvmChain } from '../chain.js';
import type { EvmOptions } from '../options.js';
import { assertSuccess, runCall, withCallVm } from './call.js';
import type { EthContext } from './context.js';
import { intrinsicGas } from './intrinsic.js';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const DATA = /^0x([0-9a-fA-F]{2})*$/;

/**
 * EVM_CALL: eth_call at the committed head for plugins (plugins/evm/src/capabilities.ts). Runs under the
 * chain's lock on its VM, inside a checkpoint that is reverted, exactly like `eth_call` at `latest`.
 */
export function headCaller(chain: EvmChain, options: Pick<EvmOptions, 'callGasCap'>): EvmCaller {
  // withCallVm reads the chain only.
  const ctx = { chain, options } as unknown as EthContext;
  return {
    headNumber: () => chain.head.number,
    async call(request: EvmCallRequest): Promise<Hex> {
      if (!ADDRESS.test(request.to)) throw new MetisError('RPC_INVALID_PARAMS', { reason: `call: to must be an address, got ${String(request.to)}` });
      if (request.from !== undefined && !ADDRESS.test(request.from)) throw new MetisError('RPC_INVALID_PARAMS', { reason: `call: from must be an address, got ${String(request.from)}` });
      if (!DATA.test(request.data)) throw new MetisError('RPC_INVALID_PARAMS', { reason: 'call: data must be 0x-prefixed hex bytes' });
      const cap = options.callGasCap;
      if (request.gas !== undefined && request.gas > cap) throw new MetisError('RPC_GAS_CAP', { gas: request.gas, cap });
      const gas = request.gas ?? cap;
      const data = hexToBytes(request.data);
      const { intrinsic } = intrinsicGas(data, false);
      if (gas < intrinsic) throw new MetisError('RPC_EXECUTION_FAILED', { reason: `intrinsic gas too low: have ${gas}, want ${intrinsic}` });
      const req = {
        to: createAddressFromString(request.to),
        ...(request.from === undefined ? {} : { from: createAddressFromString(request.from) }),
        gasPrice: 0n,
        value: 0n,
        data,
      };
      return withCallVm(ctx, chain.head, undefined, async (vm, env) => {
        const result = await runCall(vm, env, req, gas - intrinsic);
        assertSuccess(result);
        return bytesToHex(result.execResult.returnValue) as Hex;
      });
    },
  };
}
