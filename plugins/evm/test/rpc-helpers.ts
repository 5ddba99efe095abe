import { Container, EventBus, type Hex, type NodeEvents, type StageRunner } from '@metis/core';
import { loadArtifact } from '@metis/contracts';
import { Interface } from 'ethers';
import type { EvmChain } from '../src/chain.js';
import { evmOptionsSchema } from '../src/options.js';
import { ethNamespace } from '../src/rpc/namespace.js';
import { HeadStateView } from '../src/state/head-view.js';

/** The chain's eth_ namespace without a node around it: `call('eth_getLogs', filter)`. */
export function rpc(chain: EvmChain, container = new Container()): (method: string, ...params: unknown[]) => Promise<any> {
  const ns = ethNamespace({
    chain,
    view: new HeadStateView(chain),
    options: evmOptionsSchema.parse({}),
    container,
    stages: undefined as unknown as StageRunner,
    events: new EventBus<NodeEvents>(),
  });
  return async (method, ...params) => ns.methods[method]!(params, { transport: 'http' });
}

export const recorder = loadArtifact('DepositRecorder');
export const recorderAbi = new Interface(recorder.abi as never);
export const reverter = loadArtifact('Reverter');
export const reverterAbi = new Interface(reverter.abi as never);

/** Calls a view of a contract at the head and decodes its single result. */
export async function view(chain: EvmChain, abi: Interface, to: Hex, fn: string, args: unknown[] = []): Promise<any> {
  const data = abi.encodeFunctionData(fn, args);
  const ret = (await rpc(chain)('eth_call', { to, data }, 'latest')) as string;
  return abi.decodeFunctionResult(fn, ret)[0];
}
