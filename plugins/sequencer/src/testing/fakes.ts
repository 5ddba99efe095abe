/**
 * Small stand-ins for the plugins around the sequencer in tests: a pool (TX_POOL + ingest), a chain
 * (CHAIN_HEAD + execute) and a settlement that does nothing (commit + prove). Not part of the package.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHAIN_HEAD,
  DEPOSIT_QUEUE,
  TX_POOL,
  createLogger,
  createNode,
  definePlugin,
  type AnyPlugin,
  type BlockTemplate,
  type BlockBody,
  type ChainHead,
  type Deposit,
  type DepositQueue,
  type ExecuteContext,
  type Hex,
  type Logger,
  type MetisNode,
  type PooledTx,
  type SealedBlock,
  type TxPool,
} from '@metis/core';

export const hex32 = (prefix: string, n: bigint): Hex => `0x${prefix}${n.toString(16).padStart(64 - prefix.length, '0')}`;

export function makeTx(n: number): PooledTx {
  const hash = hex32('7', BigInt(n));
  return {
    hash,
    sender: `0x${'5'.repeat(40)}`,
    nonce: BigInt(n),
    gasLimit: 21_000n,
    maxFeePerGas: 1n,
    maxPriorityFeePerGas: 1n,
    raw: new Uint8Array([n & 0xff]),
    source: 'rpc',
    decoded: undefined,
  };
}

/** A pool that keeps transactions in arrival order and records every onBlock call. */
export class FakePool implements TxPool {
  txs: PooledTx[] = [];
  readonly onBlockCalls: { block: SealedBlock; dropped: readonly PooledTx[] }[] = [];
  private counter = 0;

  get executableCount(): number {
    return this.txs.length;
  }

  /** The template of the last select call. */
  lastTemplate?: BlockTemplate;

  select(template: BlockTemplate, maxTxs = Number.POSITIVE_INFINITY): PooledTx[] {
    this.lastTemplate = template;
    return this.txs.slice(0, maxTxs);
  }

  async onBlock(block: SealedBlock, dropped: readonly PooledTx[]): Promise<void> {
    this.onBlockCalls.push({ block, dropped });
    const gone = new Set<Hex>([...block.txHashes, ...dropped.map((t) => t.hash)]);
    this.txs = this.txs.filter((t) => !gone.has(t.hash));
  }

  async pendingNonce(): Promise<bigint> {
    return 0n;
  }

  get(hash: Hex): PooledTx | undefined {
    return this.txs.find((t) => t.hash === hash);
  }

  nextTx(): PooledTx {
    this.counter += 1;
    return makeTx(this.counter);
  }
}

export function testPool(pool: FakePool): AnyPlugin {
  return definePlugin({
    id: 'test-pool',
    stages: ['ingest'],
    provides: [TX_POOL],
    setup(api) {
      api.container.value(TX_POOL, pool);
      api.provide('ingest', (ctx) => {
        const tx = pool.nextTx();
        pool.txs.push(tx);
        ctx.accepted = tx;
        api.events.emit('pending', tx);
      });
    },
  })();
}

/**
 * A chain that "executes" a template by sealing a block numbered after its head. It throws when asked
 * for any block other than the next one, and counts how many executions overlap.
 */
export class FakeChain implements ChainHead {
  readonly blocks: SealedBlock[] = [
    { number: 0n, hash: hex32('b', 0n), parentHash: hex32('0', 0n), timestamp: 0n, stateRoot: hex32('a', 0n), gasUsed: 0n, txHashes: [], depositCount: 0n },
  ];
  /** The deposits each executed block credited, by block number. */
  readonly credited = new Map<bigint, readonly Deposit[]>();
  /** Runs at the start of every execution; may throw or wait. */
  hook?: (ctx: ExecuteContext) => Promise<void> | void;
  /** Transactions for which this is true are dropped instead of included. */
  drop: (tx: PooledTx) => boolean = () => false;
  active = 0;
  maxActive = 0;
  executions = 0;

  head(): SealedBlock {
    return this.blocks[this.blocks.length - 1]!;
  }

  async block(number: bigint): Promise<SealedBlock | undefined> {
    return this.blocks[Number(number)];
  }

  nextTemplate(timestamp: bigint): BlockTemplate {
    const head = this.head();
    return {
      number: head.number + 1n,
      parentHash: head.hash,
      timestamp: timestamp > head.timestamp ? timestamp : head.timestamp + 1n,
      gasLimit: 30_000_000n,
      depositCount: head.depositCount,
    };
  }

  async body(number: bigint): Promise<BlockBody | undefined> {
    const b = this.blocks[Number(number)];
    if (!b) return undefined;
    return { number, timestamp: b.timestamp, gasLimit: 30_000_000n, coinbase: `0x${'0'.repeat(40)}`, deposits: this.credited.get(number) ?? [], txs: [], logs: [] };
  }

  async execute(ctx: ExecuteContext, emit: (block: SealedBlock) => void): Promise<void> {
    this.executions += 1;
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      await this.hook?.(ctx);
      const head = this.head();
      if (ctx.template.number !== head.number + 1n || ctx.template.parentHash !== head.hash) {
        throw new Error(`template for block ${ctx.template.number} does not follow head ${head.number}`);
      }
      const included = ctx.txs.filter((t) => !this.drop(t));
      ctx.dropped.push(...ctx.txs.filter((t) => this.drop(t)));
      const number = ctx.template.number;
      ctx.deposits.forEach((d, i) => {
        if (d.index !== ctx.template.depositCount + BigInt(i)) throw new Error(`deposit ${d.index} out of order`);
      });
      this.credited.set(number, [...ctx.deposits]);
      const block: SealedBlock = {
        number,
        hash: hex32('b', number),
        parentHash: ctx.template.parentHash,
        timestamp: ctx.template.timestamp,
        stateRoot: hex32('a', number),
        gasUsed: 21_000n * BigInt(included.length),
        txHashes: included.map((t) => t.hash),
        depositCount: ctx.template.depositCount + BigInt(ctx.deposits.length),
      };
      this.blocks.push(block);
      ctx.block = block;
      emit(block);
    } finally {
      this.active -= 1;
    }
  }
}

export function testChain(chain: FakeChain): AnyPlugin {
  return definePlugin({
    id: 'test-chain',
    stages: ['execute'],
    provides: [CHAIN_HEAD],
    setup(api) {
      api.container.value(CHAIN_HEAD, chain);
      api.provide('execute', (ctx) => chain.execute(ctx, (block) => api.events.emit('block', block)));
    },
  })();
}

export function makeDeposit(index: bigint): Deposit {
  return { index, l1Block: 100n + index, from: `0x${'1'.repeat(40)}`, to: `0x${'2'.repeat(40)}`, l1Token: `0x${'0'.repeat(40)}`, amount: 1000n + index, tokenMeta: '0x' };
}

/** An L1 deposit queue in memory: `add()` queues the next deposit and emits `deposits`. */
export class FakeDepositQueue implements DepositQueue {
  readonly queued: Deposit[] = [];
  emit?: (lastIndex: bigint) => void;

  add(count = 1): void {
    for (let i = 0; i < count; i++) this.queued.push(makeDeposit(BigInt(this.queued.length)));
    this.emit?.(BigInt(this.queued.length - 1));
  }

  ready(from: bigint, max: number): readonly Deposit[] {
    return this.queued.slice(Number(from), Number(from) + max);
  }
}

export function testDeposits(queue: FakeDepositQueue): AnyPlugin {
  return definePlugin({
    id: 'test-deposits',
    provides: [DEPOSIT_QUEUE],
    setup(api) {
      queue.emit = (last) => api.events.emit('deposits', last);
      api.container.value(DEPOSIT_QUEUE, queue);
    },
  })();
}

/** Commit and prove providers that do nothing. */
export function testSettlement(): AnyPlugin {
  return definePlugin({
    id: 'test-settlement',
    stages: ['commit', 'prove'],
    setup(api) {
      api.provide('commit', () => undefined);
      api.provide('prove', () => undefined);
    },
  })();
}

export interface TestNode {
  readonly node: MetisNode;
  readonly pool: FakePool;
  readonly chain: FakeChain;
  /** Collected `block` events. */
  readonly blocks: SealedBlock[];
  /** Stops the node and removes its data dir. */
  close(): Promise<void>;
}

/** A node with the fakes around `plugins` (the sequencer under test), unstarted. */
export async function buildNode(plugins: AnyPlugin[], options: { logger?: Logger; role?: 'sequencer' | 'replica' } = {}): Promise<TestNode> {
  const dataDir = await mkdtemp(join(tmpdir(), 'metis-sequencer-'));
  const pool = new FakePool();
  const chain = new FakeChain();
  const node = await createNode(
    { chainId: 1, dataDir, ...(options.role ? { role: options.role } : {}), plugins: [testPool(pool), testChain(chain), testSettlement(), ...plugins] },
    { logger: options.logger ?? createLogger({ level: 'silent' }) },
  );
  const blocks: SealedBlock[] = [];
  node.events.on('block', (b) => blocks.push(b));
  return {
    node,
    pool,
    chain,
    blocks,
    close: async () => {
      await node.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds (or throws after `timeoutMs`). */
export async function until(check: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Sends `n` transactions through the ingest stage (each emits `pending`). */
export async function submit(node: MetisNode, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await node.stages.run('ingest', { raw: new Uint8Array([i & 0xff]), source: 'rpc', meta: {} });
  }
}

/** A logger that keeps every line it writes, parsed. */
export function memoryLogger(level = 'debug'): { logger: Logger; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

/** A promise with its resolve function, for holding a stage open. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}
