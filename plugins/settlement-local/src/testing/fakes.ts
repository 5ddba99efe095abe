/**
 * Small stand-ins for the plugins around the settlement in tests: a chain (CHAIN_HEAD + execute) that
 * can keep its blocks in a file, and ingest/order providers that do nothing. Not part of the package.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import {
  CHAIN_HEAD,
  createLogger,
  createNode,
  definePlugin,
  type AnyPlugin,
  type BlockTemplate,
  type ChainHead,
  type ExecuteContext,
  type Hex,
  type Logger,
  type MetisNode,
  type SealedBlock,
} from '@metis/core';

export const hex32 = (prefix: string, n: bigint): Hex => `0x${prefix}${n.toString(16).padStart(64 - prefix.length, '0')}`;

function sealed(number: bigint, parentHash: Hex, timestamp: bigint, salt: string): SealedBlock {
  return { number, hash: hex32(`b${salt}`, number), parentHash, timestamp, stateRoot: hex32(`a${salt}`, number), gasUsed: 0n, txHashes: [] };
}

/**
 * A chain whose execute stage seals the next block. With `file`, every block is appended to that file
 * before the block event, and a new FakeChain on the same file starts from the blocks stored there (like
 * a chain's own database across a crash). `salt` changes the hashes, to make a different chain.
 */
export class FakeChain implements ChainHead {
  readonly blocks: SealedBlock[];

  constructor(private readonly opts: { file?: string; salt?: string } = {}) {
    this.blocks = [sealed(0n, hex32('0', 0n), 0n, this.salt)];
    if (opts.file && existsSync(opts.file)) {
      for (const line of readFileSync(opts.file, 'utf8').split('\n')) {
        if (!line) continue;
        const b = JSON.parse(line) as Record<string, string>;
        this.blocks.push(sealed(BigInt(b.number!), b.parentHash as Hex, BigInt(b.timestamp!), this.salt));
      }
    }
  }

  private get salt(): string {
    return this.opts.salt ?? '';
  }

  head(): SealedBlock {
    return this.blocks[this.blocks.length - 1]!;
  }

  async block(number: bigint): Promise<SealedBlock | undefined> {
    return number < 0n ? undefined : this.blocks[Number(number)];
  }

  nextTemplate(timestamp: bigint): BlockTemplate {
    const head = this.head();
    return { number: head.number + 1n, parentHash: head.hash, timestamp: timestamp > head.timestamp ? timestamp : head.timestamp + 1n, gasLimit: 30_000_000n };
  }

  /** Seals and stores the next block; returns it (the caller emits). */
  seal(template: BlockTemplate): SealedBlock {
    const head = this.head();
    if (template.number !== head.number + 1n) throw new Error(`template ${template.number} does not follow head ${head.number}`);
    const block = sealed(template.number, template.parentHash, template.timestamp, this.salt);
    if (this.opts.file) {
      appendFileSync(this.opts.file, `${JSON.stringify({ number: `${block.number}`, parentHash: block.parentHash, timestamp: `${block.timestamp}` })}\n`);
    }
    this.blocks.push(block);
    return block;
  }

  /** Adds blocks without any node seeing them (made while the settlement was down). */
  sealOffline(n: number): void {
    for (let i = 0; i < n; i++) this.seal(this.nextTemplate(this.head().timestamp + 1n));
  }
}

export function testChain(chain: FakeChain): AnyPlugin {
  return definePlugin({
    id: 'test-chain',
    stages: ['execute'],
    provides: [CHAIN_HEAD],
    setup(api) {
      api.container.value(CHAIN_HEAD, chain);
      api.provide('execute', (ctx: ExecuteContext) => {
        ctx.block = chain.seal(ctx.template);
        api.events.emit('block', ctx.block);
      });
    },
  })();
}

/** Ingest and order providers that do nothing. */
export function testFrontStages(): AnyPlugin {
  return definePlugin({
    id: 'test-front',
    stages: ['ingest', 'order'],
    setup(api) {
      api.provide('ingest', () => undefined);
      api.provide('order', () => undefined);
    },
  })();
}

/** Runs the execute stage `n` times, as a sequencer would; returns the blocks. */
export async function mine(node: MetisNode, chain: FakeChain, n: number): Promise<SealedBlock[]> {
  const out: SealedBlock[] = [];
  for (let i = 0; i < n; i++) {
    const ctx = await node.stages.run('execute', { template: chain.nextTemplate(BigInt(Math.floor(Date.now() / 1000))), txs: [], dropped: [], meta: {} });
    out.push(ctx.block!);
  }
  return out;
}

/** A node with the fakes around `plugins`, unstarted. */
export async function buildNode(dataDir: string, chain: FakeChain, plugins: AnyPlugin[], logger?: Logger): Promise<MetisNode> {
  return createNode(
    { chainId: 1, dataDir, plugins: [testFrontStages(), testChain(chain), ...plugins] },
    { logger: logger ?? createLogger({ level: 'silent' }) },
  );
}

/** A logger that keeps every line it writes, parsed. */
export function memoryLogger(level = 'debug'): { logger: Logger; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
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

/** A promise with its resolve function, for holding a stage open. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}
