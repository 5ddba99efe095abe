import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CHAIN_HEAD,
  EVENTS,
  FINALITY,
  LOGGER,
  NODE_CONFIG,
  RPC_NAMESPACES,
  GENESIS_ACCOUNTS,
  STAGES_RUNNER,
  TX_POOL,
  type ChainHead,
  type TxPool,
} from '../capabilities.js';
import { createToken, type AnyToken } from '../container/token.js';
import { MetisError, rootMetisError } from '../errors/metis-error.js';
import { StageError } from '../errors/stage-error.js';
import { createLogger } from '../logger.js';
import type { StageName } from '../pipeline/stages.js';
import { definePlugin } from '../plugins/define-plugin.js';
import type { AnyPlugin, PluginApi } from '../plugins/types.js';
import type { Hex, PooledTx, SealedBlock } from '../types/chain.js';
import { createNode, type CreateNodeOptions } from './create-node.js';

const ZERO: Hex = `0x${'00'.repeat(32)}`;

const block = (n: bigint): SealedBlock => ({
  number: n,
  hash: `0x${n.toString(16).padStart(64, '0')}`,
  parentHash: ZERO,
  timestamp: n,
  stateRoot: ZERO,
  gasUsed: 0n,
  txHashes: [],
  depositCount: 0n,
});

const tx = (n: number): PooledTx => ({
  hash: `0x${n.toString(16).padStart(64, '0')}`,
  sender: `0x${'11'.repeat(20)}`,
  nonce: BigInt(n),
  gasLimit: 21_000n,
  maxFeePerGas: 1n,
  maxPriorityFeePerGas: 1n,
  raw: new Uint8Array([n]),
  source: 'rpc',
  decoded: undefined,
});

/** What the test plugins record, in order. */
let log: string[];
let dataDir: string;

beforeEach(async () => {
  log = [];
  dataDir = await mkdtemp(join(tmpdir(), 'metis-core-test-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const silent = (): CreateNodeOptions => ({ logger: createLogger({ level: 'silent' }) });

// --- five small plugins, one per stage -------------------------------------------------------------

/** ingest: validates and pools transactions; provides TX_POOL. */
const pool = definePlugin({
  id: 'pool',
  provides: [TX_POOL],
  requires: [CHAIN_HEAD],
  stages: ['ingest'],
  options: z.object({ maxTxs: z.number().int().positive().default(16) }),
  setup(api) {
    log.push(`setup:pool:${api.options.maxTxs}`);
    // CHAIN_HEAD is provided by "vm", which must therefore be set up already.
    api.container.resolve(CHAIN_HEAD);
    const txs: PooledTx[] = [];
    const txPool: TxPool = {
      select: (_template, max) => txs.slice(0, max ?? api.options.maxTxs),
      onBlock: async () => {
        txs.length = 0;
      },
      get executableCount() {
        return txs.length;
      },
      pendingNonce: async () => BigInt(txs.length),
      get: (hash) => txs.find((t) => t.hash === hash),
    };
    api.container.value(TX_POOL, txPool);
    api.provide('ingest', (ctx) => {
      if (ctx.raw.length === 0) throw new MetisError('TX_MALFORMED', { reason: 'empty' });
      const pooled = tx(ctx.raw[0]!);
      txs.push(pooled);
      ctx.accepted = pooled;
      api.events.emit('pending', pooled);
    });
    api.onStart(() => void log.push('start:pool'));
    api.onStop(() => void log.push('stop:pool'));
  },
});

/** order: picks transactions from the pool. */
const sequencer = definePlugin({
  id: 'sequencer',
  requires: [TX_POOL],
  stages: ['order'],
  setup(api) {
    log.push('setup:sequencer');
    const txPool = api.container.resolve(TX_POOL);
    api.provide('order', (ctx) => {
      ctx.txs = txPool.select(ctx.template);
    });
    api.onStart(() => void log.push('start:sequencer'));
    api.onStop(() => void log.push('stop:sequencer'));
  },
});

/** execute: keeps the chain head; provides CHAIN_HEAD. */
const vm = definePlugin({
  id: 'vm',
  provides: [CHAIN_HEAD],
  stages: ['execute'],
  setup(api) {
    log.push('setup:vm');
    let head = block(0n);
    const chain: ChainHead = {
      head: () => head,
      block: async (n) => (n <= head.number ? block(n) : undefined),
      nextTemplate: (timestamp) => ({ number: head.number + 1n, parentHash: head.hash, timestamp, gasLimit: 30_000_000n, depositCount: 0n }),
      body: async () => undefined,
    };
    api.container.factory(CHAIN_HEAD, () => chain);
    api.provide('execute', (ctx) => {
      head = { ...block(ctx.template.number), txHashes: ctx.txs.map((t) => t.hash) };
      ctx.block = head;
      api.events.emit('block', head);
    });
    api.onStart(() => void log.push('start:vm'));
    api.onStop(() => void log.push('stop:vm'));
  },
});

/** commit + prove: records batches; provides FINALITY. Depends on "vm" by id. */
const settlement = definePlugin({
  id: 'settlement',
  dependencies: ['vm'],
  provides: [FINALITY],
  stages: ['commit', 'prove'],
  setup(api) {
    log.push('setup:settlement');
    let finalized = 0n;
    api.container.value(FINALITY, { safeBlock: () => finalized, finalizedBlock: () => finalized, batches: () => [] });
    api.provide('commit', (ctx) => {
      const last = ctx.blocks[ctx.blocks.length - 1]!;
      ctx.batch = {
        index: 0n,
        firstBlock: ctx.blocks[0]!.number,
        lastBlock: last.number,
        stateRoot: last.stateRoot,
        blockHashes: ctx.blocks.map((b) => b.hash),
        status: 'unsafe',
      };
      api.events.emit('batch', ctx.batch);
    });
    api.provide('prove', (ctx) => {
      finalized = ctx.batch.lastBlock;
      ctx.status = 'finalized';
    });
    api.onStart(() => void log.push('start:settlement'));
    api.onStop(() => void log.push('stop:settlement'));
  },
});

/** A middleware-only plugin that logs around a stage. */
const tracer = (id: string, stage: StageName, dependencies: string[] = []): AnyPlugin =>
  definePlugin({
    id,
    dependencies,
    setup(api) {
      log.push(`setup:${id}`);
      api.use(stage, async (_ctx, next) => {
        log.push(`${id}:before`);
        await next();
        log.push(`${id}:after`);
      });
    },
  })();

const fivePlugins = (): AnyPlugin[] => [pool(), sequencer(), vm(), settlement()];

/** A plugin that does something odd in setup, declaring what it is told to. */
const oddball = (
  id: string,
  spec: { stages?: StageName[]; provides?: AnyToken[]; dependencies?: string[] },
  setup: (api: PluginApi<undefined>) => void | Promise<void>,
): AnyPlugin => definePlugin({ id, ...spec, setup })();

async function rejection(p: Promise<unknown>): Promise<MetisError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MetisError);
    return e as MetisError;
  }
  throw new Error('expected a rejection');
}

describe('createNode', () => {
  it('sets plugins up in dependency order whatever the config order, then starts and stops them', async () => {
    const node = await createNode({ chainId: 901, dataDir, plugins: [settlement(), sequencer(), pool(), vm()] }, silent());
    // vm before pool (CHAIN_HEAD) and before settlement (dependency); pool before sequencer (TX_POOL);
    // otherwise config order: settlement was listed first.
    expect(log).toEqual(['setup:vm', 'setup:settlement', 'setup:pool:16', 'setup:sequencer']);
    log = [];
    await node.start();
    expect(log).toEqual(['start:vm', 'start:settlement', 'start:pool', 'start:sequencer']);
    log = [];
    await node.stop();
    await node.stop();
    expect(log).toEqual(['stop:sequencer', 'stop:pool', 'stop:settlement', 'stop:vm']);
  });

  it('exposes the resolved config, with dataDir resolved against baseDir, and passes parsed options', async () => {
    let seen: { options: unknown; dataDir: string } | undefined;
    const spy = definePlugin({
      id: 'spy',
      options: z.object({ level: z.number().default(3) }),
      setup(api) {
        seen = { options: api.options, dataDir: api.config.dataDir };
      },
    });
    const node = await createNode(
      { chainId: 902, dataDir: 'rel/data', plugins: [...fivePlugins(), spy()] },
      { ...silent(), baseDir: dataDir },
    );
    expect(node.config).toMatchObject({ chainId: 902, name: 'metis', logLevel: 'info', dataDir: join(dataDir, 'rel/data') });
    expect(node.config.plugins).toHaveLength(5);
    expect(seen).toEqual({ options: { level: 3 }, dataDir: join(dataDir, 'rel/data') });
    expect(log).toContain('setup:pool:16');
  });

  it('registers the core tokens and every provided capability in the node container', async () => {
    const logger = createLogger({ level: 'silent' });
    const node = await createNode({ chainId: 903, dataDir, plugins: fivePlugins() }, { logger });
    expect(node.container.resolve(NODE_CONFIG)).toBe(node.config);
    expect(node.container.resolve(LOGGER)).toBe(logger);
    expect(node.logger).toBe(logger);
    expect(node.container.resolve(EVENTS)).toBe(node.events);
    expect(node.container.resolve(STAGES_RUNNER)).toBe(node.stages);
    expect(node.container.resolve(CHAIN_HEAD).head().number).toBe(0n);
    expect(node.container.resolve(TX_POOL).executableCount).toBe(0);
    expect(node.container.resolve(FINALITY).finalizedBlock()).toBe(0n);
    expect(node.container.all(RPC_NAMESPACES)).toEqual([]);
  });

  it('runs transactions through all five stages and emits events', async () => {
    const node = await createNode({ chainId: 904, dataDir, plugins: fivePlugins() }, silent());
    const events: string[] = [];
    node.events.on('pending', (t) => events.push(`pending:${t.nonce}`));
    node.events.on('block', (b) => events.push(`block:${b.number}`));
    node.events.on('batch', (b) => events.push(`batch:${b.firstBlock}-${b.lastBlock}`));
    await node.start();

    for (const n of [1, 2]) {
      const ingested = await node.stages.run('ingest', { raw: new Uint8Array([n]), source: 'rpc', meta: {} });
      expect(ingested.accepted?.nonce).toBe(BigInt(n));
    }
    const head = node.container.resolve(CHAIN_HEAD);
    const template = head.nextTemplate(1000n);
    const ordered = await node.stages.run('order', { template, txs: [], meta: {} });
    expect(ordered.txs).toHaveLength(2);
    const executed = await node.stages.run('execute', { template, txs: ordered.txs, dropped: [], meta: {} });
    expect(executed.block?.number).toBe(1n);
    expect(head.head().txHashes).toEqual(ordered.txs.map((t) => t.hash));
    const committed = await node.stages.run('commit', { blocks: [executed.block!], meta: {} });
    const proved = await node.stages.run('prove', { batch: committed.batch!, meta: {} });
    expect(proved.status).toBe('finalized');
    expect(node.container.resolve(FINALITY).finalizedBlock()).toBe(1n);
    expect(events).toEqual(['pending:1', 'pending:2', 'block:1', 'batch:1-1']);
    await node.stop();
  });

  it('wraps provider errors in a StageError naming the stage and plugin', async () => {
    const node = await createNode({ chainId: 905, dataDir, plugins: fivePlugins() }, silent());
    const err = await rejection(node.stages.run('ingest', { raw: new Uint8Array(), source: 'rpc', meta: {} }));
    expect(err).toBeInstanceOf(StageError);
    expect((err as StageError).stage).toBe('ingest');
    expect((err as StageError).plugin).toBe('pool');
    expect(rootMetisError(err)?.is('TX_MALFORMED')).toBe(true);
  });

  it('wraps stages with plugin middleware in plugin order', async () => {
    const node = await createNode(
      { chainId: 906, dataDir, plugins: [tracer('outer', 'order'), ...fivePlugins(), tracer('inner', 'order')] },
      silent(),
    );
    log = [];
    const template = node.container.resolve(CHAIN_HEAD).nextTemplate(1n);
    await node.stages.run('order', { template, txs: [], meta: {} });
    expect(log).toEqual(['outer:before', 'inner:before', 'inner:after', 'outer:after']);
  });

  it('middleware order follows dependency order when a dependency forces it', async () => {
    const node = await createNode(
      { chainId: 906, dataDir, plugins: [tracer('a', 'order', ['b']), tracer('b', 'order'), ...fivePlugins()] },
      silent(),
    );
    log = [];
    const template = node.container.resolve(CHAIN_HEAD).nextTemplate(1n);
    await node.stages.run('order', { template, txs: [], meta: {} });
    expect(log).toEqual(['b:before', 'a:before', 'a:after', 'b:after']);
  });

  it('dataDir() creates <dataDir>/<plugin id> and returns it', async () => {
    let dir: string | undefined;
    const store = oddball('store', {}, async (api) => {
      dir = await api.dataDir();
      // A second call is fine.
      expect(await api.dataDir()).toBe(dir);
    });
    await createNode({ chainId: 907, dataDir: join(dataDir, 'nested', 'data'), plugins: [...fivePlugins(), store] }, silent());
    expect(dir).toBe(join(dataDir, 'nested', 'data', 'store'));
    expect((await stat(dir!)).isDirectory()).toBe(true);
  });

  it('does not create data folders for plugins that do not ask for one', async () => {
    await createNode({ chainId: 907, dataDir: join(dataDir, 'untouched'), plugins: fivePlugins() }, silent());
    await expect(stat(join(dataDir, 'untouched'))).rejects.toThrow();
  });

  it('reports event listener failures to the logger instead of the emitter', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'error', destination: { write: (s: string) => void lines.push(s) } });
    const node = await createNode({ chainId: 908, dataDir, plugins: fivePlugins() }, { logger });
    node.events.on('block', () => {
      throw new Error('listener bug');
    });
    expect(() => node.events.emit('block', block(1n))).not.toThrow();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'event listener failed' });
  });

  it('applies overrides after plugin setup', async () => {
    const replacement = { safeBlock: () => 7n, finalizedBlock: () => 7n, batches: () => [] };
    const node = await createNode(
      { chainId: 909, dataDir, plugins: fivePlugins() },
      { ...silent(), overrides: (c) => void c.value(FINALITY, replacement) },
    );
    expect(node.container.resolve(FINALITY)).toBe(replacement);
  });

  it('lets plugins contribute to multi-tokens', async () => {
    const ns = (id: string) => oddball(id, {}, (api) => void api.container.add(RPC_NAMESPACES, { methods: { [`${id}_x`]: () => id } }));
    const node = await createNode({ chainId: 910, dataDir, plugins: [...fivePlugins(), ns('a'), ns('b')] }, silent());
    expect(node.container.all(RPC_NAMESPACES).map((n) => Object.keys(n.methods)[0])).toEqual(['a_x', 'b_x']);
  });

  it('collects every plugin\'s genesis accounts before any setup, with the plugin\'s options', async () => {
    let seenInSetup: unknown;
    const predeploy = (id: string, address: Hex) =>
      definePlugin({
        id,
        options: z.strictObject({ balance: z.bigint().default(5n) }).prefault({}),
        genesis: (options) => ({ [address]: { balance: options.balance, code: '0x6001' } }),
        setup: () => undefined,
      });
    // The reader comes first in plugin order and still sees what later plugins place.
    const reader = oddball('reader', {}, (api) => void (seenInSetup = api.container.resolve(GENESIS_ACCOUNTS)));
    const node = await createNode(
      { chainId: 911, dataDir, plugins: [reader, ...fivePlugins(), predeploy('a', `0x${'AA'.repeat(20)}`)({ balance: 9n }), predeploy('b', `0x${'bb'.repeat(20)}`)()] },
      silent(),
    );
    const expected = { [`0x${'aa'.repeat(20)}`]: { balance: 9n, code: '0x6001' }, [`0x${'bb'.repeat(20)}`]: { balance: 5n, code: '0x6001' } };
    expect(node.container.resolve(GENESIS_ACCOUNTS)).toEqual(expected);
    expect(seenInSetup).toEqual(expected);
  });

  describe('rejects bad nodes', () => {
    it('two plugins placing the same genesis address: GENESIS_CONFLICT, before setting anything up', async () => {
      const place = (id: string, address: Hex) => definePlugin({ id, genesis: () => ({ [address]: { balance: 1n } }), setup: () => void log.push(`setup:${id}`) })();
      const err = await rejection(
        createNode({ chainId: 1, dataDir, plugins: [...fivePlugins(), place('x', `0x${'cd'.repeat(20)}`), place('y', `0x${'CD'.repeat(20)}`)] }, silent()),
      );
      expect(err.is('GENESIS_CONFLICT')).toBe(true);
      expect(err.args).toMatchObject({ address: `0x${'cd'.repeat(20)}`, first: 'x', second: 'y' });
      expect(log).toEqual([]);
    });


    it('an invalid config, before setting anything up', async () => {
      const err = await rejection(createNode({ chainId: 0, dataDir, plugins: [...fivePlugins(), { not: 'a plugin' }] }, silent()));
      expect(err.is('CONFIG_INVALID')).toBe(true);
      expect(log).toEqual([]);
    });

    it('plugin resolution errors, before setting anything up', async () => {
      const err = await rejection(createNode({ chainId: 1, dataDir, plugins: [...fivePlugins(), vm()] }, silent()));
      expect(err.is('PLUGIN_DUPLICATE')).toBe(true);
      expect(log).toEqual([]);
      const orphan = oddball('orphan', { dependencies: ['ghost'] }, () => void log.push('setup:orphan'));
      const missing = await rejection(createNode({ chainId: 1, dataDir, plugins: [...fivePlugins(), orphan] }, silent()));
      expect(missing.code).toBe('METIS-102');
      expect(log).toEqual([]);
    });

    it('a declared capability the plugin did not register: CAPABILITY_NOT_REGISTERED', async () => {
      const SOMETHING = createToken<number>('something');
      const liar = oddball('liar', { provides: [SOMETHING] }, (api) => {
        api.onStop(() => void log.push('stop:liar'));
      });
      const err = await rejection(createNode({ chainId: 1, dataDir, plugins: [...fivePlugins(), liar] }, silent()));
      expect(err.is('CAPABILITY_NOT_REGISTERED')).toBe(true);
      expect(err.code).toBe('METIS-106');
      expect(err.args).toMatchObject({ id: 'liar', capability: 'something' });
      // Whatever the earlier plugins set up is released.
      expect(log.filter((l) => l.startsWith('stop:'))).toEqual(['stop:liar', 'stop:settlement', 'stop:sequencer', 'stop:pool', 'stop:vm']);
    });

    it('a declared stage the plugin did not provide: STAGE_PROVIDER_MISSING', async () => {
      const lazy = oddball('lazy', { stages: ['prove'] }, () => undefined);
      const withoutProve = definePlugin({
        id: 'settlement',
        dependencies: ['vm'],
        provides: [FINALITY],
        stages: ['commit'],
        setup(api) {
          api.container.value(FINALITY, { safeBlock: () => 0n, finalizedBlock: () => 0n, batches: () => [] });
          api.provide('commit', () => undefined);
        },
      });
      const err = await rejection(createNode({ chainId: 1, dataDir, plugins: [pool(), sequencer(), vm(), withoutProve(), lazy] }, silent()));
      expect(err.is('STAGE_PROVIDER_MISSING')).toBe(true);
      expect(err.code).toBe('METIS-302');
      expect(err.args).toMatchObject({ stage: 'prove' });
    });

    it('a stage nobody provides: STAGE_PROVIDER_MISSING at seal', async () => {
      const err = await rejection(createNode({ chainId: 1, dataDir, plugins: [pool(), sequencer(), vm()] }, silent()));
      // settlement is absent: commit has no provider.
      expect(err.is('STAGE_PROVIDER_MISSING')).toBe(true);
      expect(err.args).toMatchObject({ stage: 'commit' });
    });

    it('provide() of an undeclared stage: STAGE_UNDECLARED', async () => {
      const sneaky = oddball('sneaky', { stages: [] }, (api) => api.provide('prove', () => undefined));
      const err = await rejection(createNode({ chainId: 1, dataDir, plugins: [pool(), sequencer(), vm(), sneaky] }, silent()));
      expect(err.is('STAGE_UNDECLARED')).toBe(true);
      expect(err.code).toBe('METIS-305');
      expect(err.args).toMatchObject({ id: 'sneaky', stage: 'prove' });
    });

    it('two plugins providing one stage: STAGE_PROVIDER_CONFLICT', async () => {
      const rival = oddball('rival', { stages: ['order'] }, (api) => api.provide('order', () => undefined));
      const err = await rejection(createNode({ chainId: 1, dataDir, plugins: [...fivePlugins(), rival] }, silent()));
      expect(err.is('STAGE_PROVIDER_CONFLICT')).toBe(true);
      expect(err.args).toMatchObject({ stage: 'order', first: 'sequencer', second: 'rival' });
    });

    it('a setup that throws: earlier plugins are stopped and the error is rethrown', async () => {
      const failure = new Error('cannot open database');
      const broken = oddball('broken', { dependencies: ['settlement'] }, () => {
        throw failure;
      });
      let caught: unknown;
      await createNode({ chainId: 1, dataDir, plugins: [broken, ...fivePlugins()] }, silent()).catch((e: unknown) => (caught = e));
      expect(caught).toBe(failure);
      // Set up so far: vm, pool, sequencer, settlement (broken waits for settlement); stopped in reverse.
      expect(log.filter((l) => l.startsWith('setup:'))).toEqual(['setup:vm', 'setup:pool:16', 'setup:sequencer', 'setup:settlement']);
      expect(log.filter((l) => l.startsWith('stop:'))).toEqual(['stop:settlement', 'stop:sequencer', 'stop:pool', 'stop:vm']);
    });

    it('resolving a capability nobody registered: TOKEN_NOT_REGISTERED', async () => {
      const NOPE = createToken<number>('nope');
      const needy = oddball('needy', {}, (api) => void api.container.resolve(NOPE));
      const err = await rejection(createNode({ chainId: 1, dataDir, plugins: [...fivePlugins(), needy] }, silent()));
      expect(err.is('TOKEN_NOT_REGISTERED')).toBe(true);
    });
  });
});
