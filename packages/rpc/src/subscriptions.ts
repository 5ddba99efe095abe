import { randomBytes } from 'node:crypto';
import { MetisError, type Logger, type RpcSubscription } from '@metis/core';
import { stringify } from './json.js';

interface Entry {
  readonly id: string;
  unsubscribe?: () => void;
  /** Notifications wait until the response carrying the id was sent. */
  active: boolean;
  queue: unknown[];
  closed: boolean;
}

/** Subscriptions made in one message, activated once its response is on the wire. */
export type Activation = Entry[];

/**
 * The live subscriptions of one WebSocket connection. Ids are `0x` + 16 random bytes. Every
 * subscription's unsubscribe runs on eth_unsubscribe or when the connection closes.
 */
export class SubscriptionSet {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(
    private readonly kinds: ReadonlyMap<string, RpcSubscription>,
    private readonly limit: number,
    private readonly send: (text: string) => void,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** eth_subscribe: params[0] is the kind, the rest go to the namespace's subscription. */
  subscribe(params: readonly unknown[], activation: Activation): string {
    const kind = params[0];
    if (typeof kind !== 'string') throw new MetisError('RPC_INVALID_PARAMS', { reason: 'expected a subscription name' });
    const start = this.kinds.get(kind);
    if (!start) {
      const offered = [...this.kinds.keys()].join(', ') || 'none';
      throw new MetisError('RPC_SUBSCRIPTION_UNSUPPORTED', { reason: `unknown subscription "${kind}" (this node offers: ${offered})` });
    }
    if (this.closed) throw new MetisError('RPC_EXECUTION_FAILED', { reason: 'connection closed' });
    if (this.entries.size >= this.limit) {
      throw new MetisError('RPC_SUBSCRIPTION_LIMIT', { limit: this.limit });
    }
    const entry: Entry = { id: `0x${randomBytes(16).toString('hex')}`, active: false, queue: [], closed: false };
    this.entries.set(entry.id, entry);
    try {
      const unsubscribe = start(params.slice(1), (result) => this.emit(entry, result));
      if (typeof unsubscribe === 'function') entry.unsubscribe = unsubscribe;
    } catch (e) {
      this.entries.delete(entry.id);
      entry.closed = true;
      throw e;
    }
    activation.push(entry);
    return entry.id;
  }

  /** eth_unsubscribe: true when the id was live on this connection. */
  unsubscribe(id: unknown): boolean {
    if (typeof id !== 'string') throw new MetisError('RPC_INVALID_PARAMS', { reason: 'expected a subscription id' });
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.end(entry);
    return true;
  }

  /** Lets notifications of the subscriptions made in one message flow, in order. */
  activate(activation: Activation): void {
    for (const entry of activation) {
      if (entry.closed || entry.active) continue;
      entry.active = true;
      const queued = entry.queue;
      entry.queue = [];
      for (const result of queued) this.notify(entry, result);
    }
  }

  /** Ends every subscription; later subscribe calls fail. */
  closeAll(): void {
    this.closed = true;
    for (const entry of [...this.entries.values()]) this.end(entry);
  }

  private end(entry: Entry): void {
    this.entries.delete(entry.id);
    if (entry.closed) return;
    entry.closed = true;
    entry.queue = [];
    try {
      entry.unsubscribe?.();
    } catch (e) {
      this.logger.warn({ err: e, subscription: entry.id }, 'unsubscribe failed');
    }
  }

  private emit(entry: Entry, result: unknown): void {
    if (entry.closed) return;
    if (!entry.active) entry.queue.push(result);
    else this.notify(entry, result);
  }

  private notify(entry: Entry, result: unknown): void {
    let text: string;
    try {
      text = stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription: entry.id, result } });
    } catch (e) {
      this.logger.error({ err: e, subscription: entry.id }, 'subscription result is not serializable');
      return;
    }
    this.send(text);
  }
}
