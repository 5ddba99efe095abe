import { equalsBytes } from '@ethereumjs/util';
import {
  BLOCK_IMPORTER,
  CHAIN_HEAD,
  createNode,
  definePlugin,
  isMetisError,
  rootMetisError,
  type ExecuteContext,
  type GenesisAccounts,
  type Hex,
  type SealedBlock,
} from '@metis/core';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DEPOSIT_GAS_LIMIT, L2_BRIDGE, SYSTEM_CALLER } from '../src/constants.js';
import { depositHash } from '../src/execute/deposits.js';
import { genesisFingerprint, mergeGenesisAlloc } from '../src/genesis.js';
import { evmOptionsSchema } from '../src/options.js';
import { evm } from '../src/plugin.js';
import { ADDRS, deposit, genesis, openChain, tempDir } from './helpers.js';
import { recorder, reverter } from './rpc-helpers.js';

const ETH = 10n ** 18n;

/** Places genesis accounts (like a bridge plugin's predeploys) and stands in for the other stages. */
const placing = (accounts: GenesisAccounts, id = 'predeploys') =>
  definePlugin({
    id,
    stages: ['ingest', 'order', 'commit', 'prove'],
    genesis: () => accounts,
    setup(api) {
      for (const stage of ['ingest', 'order', 'commit', 'prove'] as const) api.provide(stage, () => undefined);
    },
  })();

const predeploys = (code: Hex = recorder.deployedBytecode): GenesisAccounts => ({ [L2_BRIDGE]: { code } });

describe('evm options', () => {
  it('default the deposit rules to the predeploy addresses and 5,000,000 gas', () => {
    const o = evmOptionsSchema.parse({});
    expect(o).toMatchObject({ l2Bridge: L2_BRIDGE, systemCaller: SYSTEM_CALLER, depositGasLimit: 5_000_000n });
    expect(DEFAULT_DEPOSIT_GAS_LIMIT).toBe(5_000_000n);
    expect(evmOptionsSchema.parse({ depositGasLimit: '0x30d40' }).depositGasLimit).toBe(200_000n);
    for (const bad of [{ l2Bridge: '0x12' }, { systemCaller: 'nope' }, { depositGasLimit: 100 }, { depositGasLimit: -1 }]) {
      expect(evmOptionsSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('genesis accounts from plugins', () => {
  it('merge with the alloc option; an address placed twice (any case) is GENESIS_CONFLICT', () => {
    const merged = mergeGenesisAlloc({ [ADDRS[0]!]: { balance: 5n } }, { [L2_BRIDGE]: { code: '0x00' }, [SYSTEM_CALLER]: { nonce: 1n } });
    expect(merged).toEqual({
      [ADDRS[0]!.toLowerCase()]: { balance: 5n },
      [L2_BRIDGE]: { code: '0x00', balance: 0n },
      [SYSTEM_CALLER]: { nonce: 1n, balance: 0n },
    });
    const upper = `0x${ADDRS[0]!.slice(2).toUpperCase()}` as Hex;
    let e: unknown;
    try {
      mergeGenesisAlloc({ [ADDRS[0]!]: { balance: 5n } }, { [upper]: { balance: 1n } });
    } catch (err) {
      e = err;
    }
    expect(isMetisError(e, 'GENESIS_CONFLICT')).toBe(true);
    expect((e as { code: string }).code).toBe('METIS-605');
  });

  it('are part of the genesis fingerprint, with the deposit rules', async () => {
    const g = genesis();
    const base = genesisFingerprint(1337n, g);
    expect(equalsBytes(genesisFingerprint(1337n, { ...g, alloc: mergeGenesisAlloc(g.alloc, predeploys()) }), base)).toBe(false);
    const upper = Object.fromEntries(Object.entries(g.alloc).map(([a, v]) => [`0x${a.slice(2).toUpperCase()}`, v]));
    expect(equalsBytes(genesisFingerprint(1337n, { ...g, alloc: mergeGenesisAlloc(upper) }), base)).toBe(true); // address case does not matter
    const { dir, cleanup } = await tempDir();
    try {
      const a = await openChain(dir, g);
      await a.close();
      await expect(openChain(dir, g, { deposits: { gasLimit: 1_000_000n } })).rejects.toSatisfy((e: unknown) => isMetisError(e, 'GENESIS_MISMATCH'));
      await (await openChain(dir, g)).close();
    } finally {
      await cleanup();
    }
  });
});

describe('evm plugin in a node', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  async function node(dataDir: string, accounts: GenesisAccounts = predeploys(), alloc: Record<string, { balance: bigint }> = { [ADDRS[0]!]: { balance: ETH } }) {
    const n = await createNode({
      chainId: 1337,
      dataDir,
      logLevel: 'silent',
      plugins: [evm({ genesis: { alloc }, coinbase: ADDRS[0], depositGasLimit: 400_000n }), placing(accounts)],
    });
    cleanups.unshift(() => n.stop());
    await n.start();
    return n;
  }
  const dir = async () => {
    const { dir: d, cleanup } = await tempDir();
    cleanups.push(cleanup);
    return d;
  };

  it('provides CHAIN_HEAD with body(n), BLOCK_IMPORTER, and executes the deposits of the execute stage', async () => {
    expect(evm().definition.provides).toContain(BLOCK_IMPORTER);
    const producer = await node(await dir());
    const chain = producer.container.resolve(CHAIN_HEAD);
    expect(chain.head().depositCount).toBe(0n);
    const events: SealedBlock[] = [];
    producer.events.on('block', (b) => events.push(b));

    const template = chain.nextTemplate(5n);
    expect(template.depositCount).toBe(0n);
    const ctx: ExecuteContext = { template, deposits: [deposit(0n, ADDRS[1]!, ETH), deposit(1n, ADDRS[1]!, ETH)], txs: [], dropped: [], meta: {} };
    const done = await producer.stages.run('execute', ctx);
    expect(done.block?.depositCount).toBe(2n);
    expect(chain.head()).toEqual(done.block);
    expect(events).toEqual([done.block]);
    expect(chain.nextTemplate(6n).depositCount).toBe(2n);

    const body = (await chain.body(1n))!;
    expect(body).toMatchObject({ number: 1n, timestamp: 5n, gasLimit: 30_000_000n, coinbase: ADDRS[0]!.toLowerCase(), txs: [] });
    expect(body.deposits).toEqual(ctx.deposits);
    expect(body.logs.map((l) => [l.address, l.txIndex])).toEqual([
      [L2_BRIDGE, -1],
      [L2_BRIDGE, -1],
    ]);
    expect(await chain.body(2n)).toBeUndefined();
    expect((await chain.body(0n))?.deposits).toEqual([]);

    // A replica with the same genesis (and another coinbase option) imports it to the same block.
    const replica = await createNode({
      chainId: 1337,
      dataDir: await dir(),
      logLevel: 'silent',
      plugins: [evm({ genesis: { alloc: { [ADDRS[0]!]: { balance: ETH } } }, depositGasLimit: 400_000n }), placing(predeploys())],
    });
    cleanups.unshift(() => replica.stop());
    await replica.start();
    const imported: SealedBlock[] = [];
    replica.events.on('block', (b) => imported.push(b));
    const { logs: _logs, ...blockImport } = body;
    const block = await replica.container.resolve(BLOCK_IMPORTER).importBlock(blockImport);
    expect(block).toEqual(done.block);
    expect(imported).toEqual([block]);
    expect(replica.container.resolve(CHAIN_HEAD).head().hash).toBe(done.block!.hash);
    expect((await replica.container.resolve(CHAIN_HEAD).body(1n))?.logs).toEqual(body.logs);
    // The deposit hash used for its logs is deterministic.
    expect(depositHash(1337n, 0n)).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it('places the accounts of every plugin in the genesis and refuses a changed set on restart', async () => {
    const d = await dir();
    const n = await node(d);
    const chainHead = n.container.resolve(CHAIN_HEAD);
    const genesisHash = chainHead.head().hash;
    await n.stop();
    // Same accounts: same genesis, same data directory.
    const again = await node(d);
    expect(again.container.resolve(CHAIN_HEAD).head().hash).toBe(genesisHash);
    await again.stop();
    // Other code at the bridge: another genesis.
    const failure = await node(d, predeploys(reverter.deployedBytecode)).catch((e: unknown) => e);
    expect(rootMetisError(failure)?.is('GENESIS_MISMATCH')).toBe(true);
  });

  it('refuses an address placed both by a plugin and by the alloc option', async () => {
    const failure = await node(await dir(), { [ADDRS[0]!]: { balance: 1n } }).catch((e: unknown) => e);
    expect(rootMetisError(failure)?.is('GENESIS_CONFLICT')).toBe(true);
  });
});
