import { Contract, Interface, type Log, type Provider } from 'ethers';
import type { Deposit, DepositQueue, Hex, Logger } from '@metis/core';

/** The Bridge's queue event, as the watcher reads it. */
export const DEPOSIT_QUEUED_ABI = [
  'event DepositQueued(uint256 indexed chainId, uint64 indexed index, (uint64 index, address from, address to, address l1Token, uint256 amount, bytes tokenMeta, uint64 l1Block) deposit)',
  'function depositCount(uint256 chainId) view returns (uint64)',
  'function depositBlock(uint256 chainId, uint64 index) view returns (uint64)',
];
const bridgeInterface = new Interface(DEPOSIT_QUEUED_ABI);
const DEPOSIT_QUEUED = bridgeInterface.getEvent('DepositQueued')!;

export interface DepositWatcherOptions {
  readonly chainId: bigint;
  readonly bridge: Hex;
  /** L1 blocks a deposit must be buried under before blocks may credit it. */
  readonly confirmations: number;
  /** Most L1 blocks asked for in one eth_getLogs. */
  readonly maxLogRange: number;
  /** How far back to re-scan when the L1 block the watcher last scanned is no longer canonical. */
  readonly reorgDepth: number;
}

/** What the watcher remembers of the last L1 block it scanned, to notice a reorg under it. */
interface Cursor {
  readonly number: number;
  readonly hash: string;
}

/**
 * Follows the chain's deposit queue on L1 and serves the confirmed deposits in queue order (DEPOSIT_QUEUE).
 *
 * Only blocks at least `confirmations` deep are scanned, so a reorg shallower than that never shows the
 * watcher a deposit that then vanishes. A deeper reorg is noticed at the next poll (the hash of the last
 * scanned block changed): deposits not yet credited that were read from the re-organised range are
 * forgotten and the range is scanned again. Deposits must arrive contiguous by index; a gap (a missed
 * log) makes the watcher re-scan rather than serve anything past it.
 */
export class DepositWatcher implements DepositQueue {
  private readonly deposits = new Map<bigint, Deposit>();
  private cursor?: Cursor;
  private polling?: Promise<boolean>;

  constructor(
    private readonly provider: Provider,
    private readonly options: DepositWatcherOptions,
    private readonly logger: Logger,
  ) {}

  /**
   * Where scanning starts: the L1 block of deposit `fromIndex` (the first one the chain has not credited)
   * if it exists, else the block of the newest deposit (every later one is at or after it), else
   * `fallbackBlock` (the contracts' deployment block).
   */
  async init(fromIndex: bigint, fallbackBlock: number): Promise<void> {
    const bridge = new Contract(this.options.bridge, bridgeInterface, this.provider);
    const count = (await bridge.getFunction('depositCount')(this.options.chainId)) as bigint;
    let start = fallbackBlock;
    if (count > 0n) {
      const at = fromIndex < count ? fromIndex : count - 1n;
      start = Number((await bridge.getFunction('depositBlock')(this.options.chainId, at)) as bigint);
    }
    this.cursor = { number: Math.max(-1, start - 1), hash: '' };
  }

  ready(from: bigint, max: number): readonly Deposit[] {
    const out: Deposit[] = [];
    for (let i = from; out.length < max; i++) {
      const d = this.deposits.get(i);
      if (!d) break;
      out.push(d);
    }
    return out;
  }

  /** Forgets deposits below `index` (credited by the chain). */
  prune(index: bigint): void {
    for (const key of this.deposits.keys()) if (key < index) this.deposits.delete(key);
  }

  /** The highest index known, or -1. */
  get lastIndex(): bigint {
    let last = -1n;
    for (const key of this.deposits.keys()) if (key > last) last = key;
    return last;
  }

  /** Scans newly confirmed L1 blocks. Resolves true when new deposits became ready. One poll at a time. */
  poll(): Promise<boolean> {
    this.polling ??= this.scan().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async scan(): Promise<boolean> {
    if (!this.cursor) throw new Error('DepositWatcher.init() was not called');
    const latest = await this.provider.getBlockNumber();
    const confirmed = latest - this.options.confirmations;
    await this.checkReorg();
    let added = false;
    while (this.cursor.number < confirmed) {
      const from = this.cursor.number + 1;
      const to = Math.min(confirmed, from + this.options.maxLogRange - 1);
      const logs = await this.provider.getLogs({
        address: this.options.bridge,
        topics: [DEPOSIT_QUEUED.topicHash, toTopic(this.options.chainId)],
        fromBlock: from,
        toBlock: to,
      });
      for (const log of logs) added = this.accept(log) || added;
      const block = await this.provider.getBlock(to);
      if (!block?.hash) return added;
      this.cursor = { number: to, hash: block.hash };
    }
    return added;
  }

  /** A reorg under the cursor: forget what was read from the re-organised blocks and scan them again. */
  private async checkReorg(): Promise<void> {
    const cursor = this.cursor!;
    if (cursor.hash === '') return;
    const block = await this.provider.getBlock(cursor.number);
    if (block?.hash === cursor.hash) return;
    const rewindTo = Math.max(-1, cursor.number - this.options.reorgDepth);
    let dropped = 0;
    for (const [index, d] of this.deposits) {
      if (d.l1Block > BigInt(rewindTo)) {
        this.deposits.delete(index);
        dropped++;
      }
    }
    this.logger.warn({ at: cursor.number, rewindTo, dropped }, 'L1 reorg under the deposit watcher; re-scanning');
    this.cursor = { number: rewindTo, hash: '' };
  }

  private accept(log: Log): boolean {
    let deposit: Deposit;
    try {
      deposit = decodeDeposit(log);
    } catch (e) {
      this.logger.warn({ err: e, tx: log.transactionHash }, 'undecodable DepositQueued log ignored');
      return false;
    }
    const known = this.deposits.get(deposit.index);
    if (known) return false;
    this.deposits.set(deposit.index, deposit);
    return true;
  }
}

function toTopic(n: bigint): string {
  return `0x${n.toString(16).padStart(64, '0')}`;
}

/** A DepositQueued log as a core Deposit. Throws on a log that is not one. */
export function decodeDeposit(log: Pick<Log, 'topics' | 'data'>): Deposit {
  const parsed = bridgeInterface.parseLog({ topics: [...log.topics], data: log.data });
  if (!parsed || parsed.name !== 'DepositQueued') throw new Error('not a DepositQueued log');
  const d = parsed.args.getValue('deposit') as {
    index: bigint;
    from: string;
    to: string;
    l1Token: string;
    amount: bigint;
    tokenMeta: string;
    l1Block: bigint;
  };
  if (d.index !== (parsed.args.getValue('index') as bigint)) throw new Error('topic and body disagree on the index');
  return {
    index: d.index,
    l1Block: d.l1Block,
    from: d.from.toLowerCase() as Hex,
    to: d.to.toLowerCase() as Hex,
    l1Token: d.l1Token.toLowerCase() as Hex,
    amount: d.amount,
    tokenMeta: d.tokenMeta.toLowerCase() as Hex,
  };
}
