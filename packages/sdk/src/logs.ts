import type { Log, Provider } from 'ethers';
import type { BlockLog, Hex } from '@metis/core';

/** Most blocks per eth_getLogs request by default (a Metis node's own limit is 10,000). */
export const DEFAULT_MAX_LOG_RANGE = 10_000;

export interface LogQuery {
  readonly address: string;
  readonly topics: ReadonlyArray<string | readonly string[] | null>;
}

/**
 * The logs matching `query` in blocks `fromBlock..toBlock` (inclusive), in chain order, asked in ranges of at
 * most `maxRange` blocks (nodes refuse larger ones).
 */
export async function getLogsChunked(provider: Provider, query: LogQuery, fromBlock: number, toBlock: number, maxRange = DEFAULT_MAX_LOG_RANGE): Promise<Log[]> {
  const out: Log[] = [];
  for (let from = fromBlock; from <= toBlock; from += maxRange) {
    const to = Math.min(toBlock, from + maxRange - 1);
    out.push(...(await provider.getLogs({ address: query.address, topics: query.topics as never, fromBlock: from, toBlock: to })));
  }
  return out;
}

/**
 * The newest log matching `query` at or below block `head`, searching backwards `maxRange` blocks at a time
 * down to `floor`; undefined when there is none.
 */
export async function findLastLog(provider: Provider, query: LogQuery, head: number, floor = 0, maxRange = DEFAULT_MAX_LOG_RANGE): Promise<Log | undefined> {
  for (let to = head; to >= floor; to -= maxRange) {
    const from = Math.max(floor, to - maxRange + 1);
    const logs = await provider.getLogs({ address: query.address, topics: query.topics as never, fromBlock: from, toBlock: to });
    if (logs.length > 0) return logs[logs.length - 1];
  }
  return undefined;
}

/** An ethers log as the core's BlockLog (lower-case hex), for `collectWithdrawals`. */
export function toBlockLog(log: { address: string; topics: readonly string[]; data: string }, txIndex = 0): BlockLog {
  return { address: log.address.toLowerCase() as Hex, topics: log.topics.map((t) => t.toLowerCase() as Hex), data: log.data.toLowerCase() as Hex, txIndex };
}
