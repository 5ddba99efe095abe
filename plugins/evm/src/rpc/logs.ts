import { hexToBytes } from '@ethereumjs/util';
import { MetisError, type Hex } from '@metis/core';
import type { StoredLog } from '../storage/block-codec.js';
import type { ChainBlock } from '../storage/chain-store.js';
import { blockNumberOf, findBlock, type EthContext } from './context.js';
import { formatLog } from './format.js';
import { address, blockTag, hash, invalid } from './params.js';

export interface LogFilter {
  readonly addresses: Uint8Array[];
  /** Per position: null = any, else one of these topics. */
  readonly topics: (Uint8Array[] | null)[];
}

export function parseLogFilter(v: unknown): LogFilter & { from?: unknown; to?: unknown; blockHash?: Hex } {
  const o = (v ?? {}) as Record<string, unknown>;
  if (typeof o !== 'object') throw invalid('filter: expected an object');
  const addrs = o.address === undefined || o.address === null ? [] : Array.isArray(o.address) ? o.address : [o.address];
  const topics = (o.topics ?? []) as unknown[];
  if (!Array.isArray(topics) || topics.length > 4) throw invalid('filter.topics: at most 4 positions');
  return {
    addresses: addrs.map((a, i) => address(a, `address[${i}]`).bytes),
    topics: topics.map((t, i) =>
      t === null ? null : (Array.isArray(t) ? t : [t]).map((x) => hexToBytes(hash(x, `topics[${i}]`))),
    ),
    from: o.fromBlock,
    to: o.toBlock,
    blockHash: o.blockHash === undefined ? undefined : hash(o.blockHash, 'blockHash'),
  };
}

const eq = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export function matches(filter: LogFilter, log: StoredLog): boolean {
  if (filter.addresses.length > 0 && !filter.addresses.some((a) => eq(a, log[0]))) return false;
  for (let i = 0; i < filter.topics.length; i++) {
    const wanted = filter.topics[i];
    if (wanted === null || wanted === undefined || wanted.length === 0) continue;
    const topic = log[1][i];
    if (!topic || !wanted.some((w) => eq(w, topic))) return false;
  }
  return true;
}

/** Every matching log of one block (its deposits' logs first, then its transactions'), formatted. */
export function blockLogs(block: ChainBlock, filter: LogFilter): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let logIndex = 0;
  for (const { log, origin } of block.logs()) {
    if (matches(filter, log)) out.push(formatLog(block, origin, logIndex, log));
    logIndex++;
  }
  return out;
}

/** Candidate blocks from the address/topic indexes (the narrowest one), or every block in the range. */
async function candidates(ctx: EthContext, filter: LogFilter, from: bigint, to: bigint): Promise<bigint[]> {
  const store = ctx.chain.store;
  const sets: bigint[][] = [];
  if (filter.addresses.length > 0) {
    const found = new Set<bigint>();
    for (const a of filter.addresses) for (const n of await store.indexedBlocks('address', a, from, to)) found.add(n);
    sets.push([...found]);
  }
  for (const position of filter.topics) {
    if (!position || position.length === 0) continue;
    const found = new Set<bigint>();
    for (const t of position) for (const n of await store.indexedBlocks('topic', t, from, to)) found.add(n);
    sets.push([...found]);
  }
  if (sets.length === 0) {
    const all: bigint[] = [];
    for (let n = from; n <= to; n++) all.push(n);
    return all;
  }
  sets.sort((a, b) => a.length - b.length);
  const [smallest, ...rest] = sets;
  const others = rest.map((s) => new Set(s));
  return smallest!.filter((n) => others.every((s) => s.has(n))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function getLogs(ctx: EthContext, raw: unknown): Promise<Record<string, unknown>[]> {
  const filter = parseLogFilter(raw);
  const { maxLogRange, maxLogResults } = ctx.options;
  if (filter.blockHash) {
    if (filter.from !== undefined || filter.to !== undefined) throw invalid('filter: blockHash excludes fromBlock/toBlock');
    const block = await findBlock(ctx, { kind: 'hash', hash: filter.blockHash, requireCanonical: false });
    if (!block) throw new MetisError('RPC_BLOCK_NOT_FOUND', { block: filter.blockHash });
    return blockLogs(block, filter);
  }
  const head = ctx.chain.head.number;
  // Explicit numbers count as asked (a range past the head is still too large); scanning stops at the head.
  const numberOf = (tag: ReturnType<typeof blockTag>): bigint => (tag.kind === 'number' ? tag.number : (blockNumberOf(ctx, tag) ?? head));
  const fromTag = blockTag(filter.from ?? 'latest', 'fromBlock');
  const toTag = blockTag(filter.to ?? 'latest', 'toBlock');
  const from = numberOf(fromTag);
  const requestedTo = numberOf(toTag);
  if (from > requestedTo) throw invalid('fromBlock is after toBlock');
  const range = requestedTo - from + 1n;
  if (range > BigInt(maxLogRange)) throw new MetisError('RPC_LOG_RANGE', { range, limit: maxLogRange });
  const to = requestedTo > head ? head : requestedTo;
  const out: Record<string, unknown>[] = [];
  for (const n of await candidates(ctx, filter, from, to)) {
    const block = await ctx.chain.store.block(n);
    if (!block) continue;
    out.push(...blockLogs(block, filter));
    if (out.length > maxLogResults) throw new MetisError('RPC_LOG_RESULTS', { limit: maxLogResults });
  }
  return out;
}
