import { randomBytes } from 'node:crypto';
import { MetisError, type Hex } from '@metis/core';
import type { EthContext } from './context.js';
import { blockNumberOf } from './context.js';
import { blockLogs, parseLogFilter, type LogFilter } from './logs.js';
import { blockTag, invalid } from './params.js';

type Filter =
  | { kind: 'block'; next: bigint; touched: number }
  | { kind: 'pending'; hashes: Hex[]; touched: number; off: () => void }
  | { kind: 'logs'; from: bigint; next: bigint; to?: bigint; filter: LogFilter; touched: number };

/** Filters not polled for this long are removed (geth uses 5 minutes). */
const FILTER_TTL_MS = 5 * 60_000;
const MAX_FILTERS = 10_000;
const MAX_PENDING_BUFFER = 10_000;

/** eth_newFilter / eth_newBlockFilter / eth_newPendingTransactionFilter and their polling, for HTTP clients. */
export class Filters {
  private readonly filters = new Map<string, Filter>();

  constructor(private readonly ctx: EthContext) {}

  private add(filter: Filter): string {
    this.expire();
    if (this.filters.size >= MAX_FILTERS) throw invalid('too many filters installed');
    const id = `0x${randomBytes(16).toString('hex')}`;
    this.filters.set(id, filter);
    return id;
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, f] of this.filters) if (now - f.touched > FILTER_TTL_MS) this.remove(id);
  }

  private remove(id: string): boolean {
    const f = this.filters.get(id);
    if (f?.kind === 'pending') f.off();
    return this.filters.delete(id);
  }

  newBlockFilter(): string {
    return this.add({ kind: 'block', next: this.ctx.chain.head.number + 1n, touched: Date.now() });
  }

  newPendingFilter(): string {
    const hashes: Hex[] = [];
    const off = this.ctx.events.on('pending', (tx) => {
      if (hashes.length < MAX_PENDING_BUFFER) hashes.push(tx.hash);
    });
    return this.add({ kind: 'pending', hashes, off, touched: Date.now() });
  }

  newLogFilter(raw: unknown): string {
    const parsed = parseLogFilter(raw);
    const head = this.ctx.chain.head.number;
    const from = blockNumberOf(this.ctx, blockTag(parsed.from ?? 'latest')) ?? head + 1n;
    const to = parsed.to === undefined || parsed.to === 'latest' || parsed.to === 'pending' ? undefined : blockNumberOf(this.ctx, blockTag(parsed.to));
    const start = parsed.from === undefined ? head + 1n : from;
    return this.add({ kind: 'logs', from: start, next: start, to, filter: parsed, touched: Date.now() });
  }

  uninstall(id: unknown): boolean {
    return typeof id === 'string' && this.remove(id);
  }

  private get(id: unknown): Filter {
    const f = typeof id === 'string' ? this.filters.get(id) : undefined;
    if (!f) throw new MetisError('RPC_INVALID_PARAMS', { reason: 'filter not found' });
    f.touched = Date.now();
    return f;
  }

  async changes(id: unknown): Promise<unknown[]> {
    const f = this.get(id);
    const head = this.ctx.chain.head.number;
    if (f.kind === 'pending') return f.hashes.splice(0);
    const out: unknown[] = [];
    const last = f.kind === 'logs' && f.to !== undefined && f.to < head ? f.to : head;
    const limit = BigInt(this.ctx.options.maxLogRange);
    const end = last - f.next + 1n > limit ? f.next + limit - 1n : last;
    for (let n = f.next; n <= end; n++) {
      const block = await this.ctx.chain.store.block(n);
      if (!block) break;
      if (f.kind === 'block') out.push(block.hash);
      else out.push(...blockLogs(block, f.filter));
    }
    f.next = end + 1n > f.next ? end + 1n : f.next;
    return out;
  }

  async logs(id: unknown): Promise<unknown[]> {
    const f = this.get(id);
    if (f.kind !== 'logs') throw invalid('not a log filter');
    const { getLogs } = await import('./logs.js');
    const filter = f.filter;
    return getLogs(this.ctx, {
      address: filter.addresses.map((a) => `0x${Buffer.from(a).toString('hex')}`),
      topics: filter.topics.map((t) => (t === null ? null : t.map((x) => `0x${Buffer.from(x).toString('hex')}`))),
      fromBlock: `0x${(f.from > this.ctx.chain.head.number ? this.ctx.chain.head.number : f.from).toString(16)}`,
      toBlock: f.to === undefined ? 'latest' : `0x${f.to.toString(16)}`,
    });
  }

  /** Removes every filter (node stop). */
  clear(): void {
    for (const id of [...this.filters.keys()]) this.remove(id);
  }
}
