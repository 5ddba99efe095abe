import type { Provider } from 'ethers';
import type { Hex } from '@metis/core';
import { batchInboxInterface, type BatchHeader } from './inbox.js';

export interface FindHeaderOptions {
  readonly chainId: bigint;
  /** Address of the BatchInbox. */
  readonly inbox: string;
  /** The L1 block the contracts were deployed in: the search goes no further back. */
  readonly startBlock: number;
  /** Most L1 blocks per eth_getLogs. */
  readonly maxLogRange?: number;
}

const word = (n: bigint): string => `0x${n.toString(16).padStart(64, '0')}`;

/**
 * The header of batch `index` from its `BatchAppended` log: the one whose hash is `headerHash`, or (without
 * one) the newest append at that index. Searches from the newest L1 block back to `startBlock`, so a batch
 * index reused after a removal gives its current header first. Undefined when no log matches.
 */
export async function findBatchHeader(provider: Provider, options: FindHeaderOptions, index: bigint, headerHash?: Hex): Promise<(BatchHeader & { headerHash: Hex }) | undefined> {
  const event = batchInboxInterface.getEvent('BatchAppended')!;
  const topics = [event.topicHash, word(options.chainId), word(index)];
  const range = options.maxLogRange ?? 2_000;
  const latest = await provider.getBlockNumber();
  for (let to = latest; to >= options.startBlock; to -= range) {
    const from = Math.max(options.startBlock, to - range + 1);
    const logs = await provider.getLogs({ address: options.inbox, topics, fromBlock: from, toBlock: to });
    for (const log of logs.reverse()) {
      const parsed = batchInboxInterface.parseLog(log);
      if (!parsed) continue;
      const hash = (parsed.args.getValue('headerHash') as string).toLowerCase() as Hex;
      if (headerHash !== undefined && hash !== headerHash.toLowerCase()) continue;
      const h = parsed.args.getValue('header') as Record<string, unknown>;
      const lower = (k: string): Hex => (h[k] as string).toLowerCase() as Hex;
      return {
        chainId: h.chainId as bigint,
        batchIndex: h.batchIndex as bigint,
        firstBlock: h.firstBlock as bigint,
        lastBlock: h.lastBlock as bigint,
        prevStateRoot: lower('prevStateRoot'),
        newStateRoot: lower('newStateRoot'),
        dataHash: lower('dataHash'),
        daCommitment: lower('daCommitment'),
        withdrawalRoot: lower('withdrawalRoot'),
        depositCount: h.depositCount as bigint,
        headerHash: hash,
      };
    }
  }
  return undefined;
}
