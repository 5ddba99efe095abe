import { afterEach, describe, expect, it } from 'vitest';
import { JsonRpcProvider, WebSocketProvider } from 'ethers';
import { createLogger, createNode, definePlugin, RPC_NAMESPACES, STAGES, type MetisNode } from '@metis/core';
import { RPC_SERVER, rpc } from '../src/index.js';
import { call, until } from './helpers.js';

const logger = createLogger({ level: 'silent' });

/** Provides all five stages with no-op providers, so a node can be built. */
const noopStages = definePlugin({
  id: 'noop-stages',
  stages: STAGES,
  setup(api) {
    for (const stage of STAGES) api.provide(stage, async () => undefined);
  },
});

/** Live newHeads subscriptions of the fake eth namespace. */
const listeners = new Set<(r: unknown) => void>();

/** A tiny eth namespace: a block number the test moves, and newHeads. */
const fakeEth = definePlugin({
  id: 'fake-eth',
  setup(api) {
    let head = 0x2a;
    api.container.add(RPC_NAMESPACES, {
      methods: {
        eth_chainId: () => '0x7a69',
        net_version: () => '31337',
        eth_blockNumber: () => `0x${head.toString(16)}`,
        test_mine: () => {
          head++;
          for (const l of listeners) l({ number: `0x${head.toString(16)}`, hash: `0x${'ab'.repeat(32)}` });
          return `0x${head.toString(16)}`;
        },
      },
      subscriptions: {
        newHeads: (_params, emit) => {
          listeners.add(emit);
          return () => listeners.delete(emit);
        },
      },
    });
  },
});

const other = definePlugin({
  id: 'other',
  setup(api) {
    api.container.add(RPC_NAMESPACES, { methods: { web3_clientVersion: () => 'metis/test' } });
  },
});

const duplicate = definePlugin({
  id: 'duplicate',
  setup(api) {
    api.container.add(RPC_NAMESPACES, { methods: { eth_chainId: () => '0x1' } });
  },
});

const nodes: MetisNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
});

async function node(plugins: unknown[]): Promise<MetisNode> {
  const n = await createNode({ chainId: 31337, logLevel: 'silent', plugins }, { logger });
  nodes.push(n);
  return n;
}

describe('rpc plugin', () => {
  it('serves namespaces of plugins set up after it and gives its URLs through RPC_SERVER', async () => {
    const n = await node([noopStages(), rpc({ port: 0 }), fakeEth(), other()]);
    const info = n.container.resolve(RPC_SERVER);
    expect(() => info.httpUrl).toThrow(expect.objectContaining({ code: 'METIS-109' }));
    await n.start();
    expect(info.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(info.httpUrl).port).not.toBe('0');
    expect(info.wsUrl).toBe(info.httpUrl.replace('http', 'ws'));
    const r = await call(info.httpUrl, [
      { jsonrpc: '2.0', id: 1, method: 'eth_chainId' },
      { jsonrpc: '2.0', id: 2, method: 'web3_clientVersion' },
    ]);
    expect(r.json.map((x: { result: unknown }) => x.result)).toEqual(['0x7a69', 'metis/test']);
    await n.stop();
    await expect(fetch(info.httpUrl)).rejects.toThrow();
  });

  it('fills in its option defaults and rejects unknown options', async () => {
    const n = await node([noopStages(), rpc()]);
    const options = n.config.plugins.find((p) => p.plugin.definition.id === 'rpc')?.options;
    expect(options).toMatchObject({
      host: '127.0.0.1',
      port: 8545,
      maxBodyBytes: 5 * 1024 * 1024,
      maxBatch: 1000,
      maxConnections: 1000,
      maxSubscriptionsPerConnection: 1000,
    });
    await expect(node([noopStages(), rpc({ maxLogRange: 10 } as never)])).rejects.toMatchObject({ code: 'METIS-201' });
    await expect(node([noopStages(), rpc({ port: -1 })])).rejects.toMatchObject({ code: 'METIS-201' });
  });

  it('fails to start when two namespaces contribute the same method', async () => {
    const n = await node([noopStages(), rpc({ port: 0 }), fakeEth(), duplicate()]);
    await expect(n.start()).rejects.toMatchObject({ code: 'METIS-108' });
  });

  it('works with an ethers JsonRpcProvider', async () => {
    const n = await node([noopStages(), rpc({ port: 0 }), fakeEth()]);
    await n.start();
    const provider = new JsonRpcProvider(n.container.resolve(RPC_SERVER).httpUrl, undefined, { staticNetwork: true });
    try {
      expect(await provider.getBlockNumber()).toBe(42);
      expect((await provider.getNetwork()).chainId).toBe(31337n);
    } finally {
      provider.destroy();
    }
  });

  it('works with an ethers WebSocketProvider and newHeads', async () => {
    const n = await node([noopStages(), rpc({ port: 0 }), fakeEth()]);
    await n.start();
    const info = n.container.resolve(RPC_SERVER);
    const provider = new WebSocketProvider(info.wsUrl);
    try {
      expect(await provider.getBlockNumber()).toBe(42);
      const seen = new Promise<number>((resolve) => provider.once('block', (b: number) => resolve(b)));
      await until(() => listeners.size === 1);
      await call(info.httpUrl, { jsonrpc: '2.0', id: 1, method: 'test_mine' });
      expect(await seen).toBe(43);
      // `once` unsubscribed: ethers sent eth_unsubscribe and the namespace's unsubscribe ran.
      await until(() => listeners.size === 0);
      // One more round trip on the same socket: its answer comes after eth_unsubscribe's, so that request is
      // settled before destroy() (which would cancel it, an unhandled rejection inside ethers).
      await provider.send('eth_blockNumber', []);
    } finally {
      await provider.destroy();
    }
  });
});
