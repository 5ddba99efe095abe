import { createNode, definePlugin, isMetisError, type Hex } from '@metis/core';
import { afterEach, describe, expect, it } from 'vitest';
import { EVM_CALL } from '../src/capabilities.js';
import { evm } from '../src/plugin.js';
import { headCaller } from '../src/rpc/head-call.js';
import { ADDRS, genesis, openChain, tempDir } from './helpers.js';
import { reverter, reverterAbi } from './rpc-helpers.js';

const AT = '0x00000000000000000000000000000000000c0de1' as Hex;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function chainWithReverter() {
  const { dir, cleanup } = await tempDir();
  const spec = genesis();
  const chain = await openChain(dir, { ...spec, alloc: { ...spec.alloc, [AT]: { code: reverter.deployedBytecode as Hex, balance: 0n } } });
  cleanups.push(async () => {
    await chain.close();
    await cleanup();
  });
  return chain;
}

describe('EVM_CALL (read-only calls at the committed head)', () => {
  it('returns the call result, with msg.sender = from', async () => {
    const chain = await chainWithReverter();
    const caller = headCaller(chain, { callGasCap: 50_000_000n });
    expect(caller.headNumber()).toBe(0n);
    const data = reverterAbi.encodeFunctionData('divide', [84n, 2n]) as Hex;
    const ret = await caller.call({ to: AT, data });
    expect(reverterAbi.decodeFunctionResult('divide', ret)[0]).toBe(42n);
    // A custom error carries msg.sender: from is honoured.
    const e = await caller.call({ to: AT, from: ADDRS[1]!, data: reverterAbi.encodeFunctionData('revertWithCustomError', [7n]) as Hex }).catch((x: unknown) => x);
    expect(isMetisError(e, 'RPC_EXECUTION_REVERTED')).toBe(true);
    const revert = (e as { data: Hex }).data;
    const decoded = reverterAbi.parseError(revert)!;
    expect(decoded.name).toBe('CustomFailure');
    expect(String(decoded.args[0]).toLowerCase()).toBe(ADDRS[1]!.toLowerCase());
    expect(decoded.args[1]).toBe(7n);
  });

  it('a revert is RPC_EXECUTION_REVERTED with the revert data and reason; state changes never persist', async () => {
    const chain = await chainWithReverter();
    const caller = headCaller(chain, { callGasCap: 50_000_000n });
    const e = await caller.call({ to: AT, data: reverterAbi.encodeFunctionData('revertWithReason') as Hex }).catch((x: unknown) => x);
    expect(isMetisError(e, 'RPC_EXECUTION_REVERTED')).toBe(true);
    expect((e as Error).message).toContain('Reverter: always');
    expect((e as { data: string }).data.startsWith('0x08c379a0')).toBe(true);
    // succeed() writes storage: the call returns, the state does not keep it.
    await caller.call({ to: AT, data: reverterAbi.encodeFunctionData('succeed', [5n]) as Hex });
    const total = await caller.call({ to: AT, data: reverterAbi.encodeFunctionData('total') as Hex });
    expect(BigInt(total)).toBe(0n);
  });

  it('refuses malformed requests and gas above the cap', async () => {
    const chain = await chainWithReverter();
    const caller = headCaller(chain, { callGasCap: 1_000_000n });
    const bad = [
      { to: '0x12' as Hex, data: '0x' as Hex },
      { to: AT, data: '0xabc' as Hex },
      { to: AT, data: '0x' as Hex, from: 'nope' as Hex },
    ];
    for (const req of bad) expect(isMetisError(await caller.call(req).catch((x: unknown) => x), 'RPC_INVALID_PARAMS'), JSON.stringify(req)).toBe(true);
    expect(isMetisError(await caller.call({ to: AT, data: '0x', gas: 2_000_000n }).catch((x: unknown) => x), 'RPC_GAS_CAP')).toBe(true);
  });

  it('is registered by the evm plugin', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const rest = definePlugin({
      id: 'rest',
      stages: ['ingest', 'order', 'commit', 'prove'],
      genesis: () => ({ [AT]: { code: reverter.deployedBytecode as Hex } }),
      setup(api) {
        for (const stage of ['ingest', 'order', 'commit', 'prove'] as const) api.provide(stage, () => undefined);
      },
    })();
    const node = await createNode({ chainId: 1337, dataDir: dir, logLevel: 'silent', plugins: [evm(), rest] });
    cleanups.unshift(() => node.stop());
    await node.start();
    const ret = await node.container.resolve(EVM_CALL).call({ to: AT, data: reverterAbi.encodeFunctionData('divide', [9n, 3n]) as Hex });
    expect(BigInt(ret)).toBe(3n);
  });
});
