import { Contract, type Provider } from 'ethers';
import { MetisError, type BlockLog, type Hex } from '@metis/core';
import { MESSAGE_PASSER_ADDRESS, WITHDRAWAL_INITIATED_TOPIC, collectWithdrawals, withdrawalHash, withdrawalProof, type Withdrawal } from '../batch/withdrawals.js';
import { BATCH_INBOX_ABI } from '../settlement/inbox.js';

export interface WithdrawalProofInput {
  /** The L2 chain id. */
  readonly chainId: bigint;
  readonly l1: Provider;
  readonly l2: Provider;
  /** The BatchInbox on L1. */
  readonly batchInbox: string;
  /** The L2 transaction that started the withdrawal (its first withdrawal is proven). */
  readonly l2TxHash: string;
  /** First L1 block to search for the batch (the contracts' deployment block). */
  readonly fromL1Block?: number;
}

export interface WithdrawalProof {
  readonly withdrawal: Withdrawal;
  readonly hash: Hex;
  /** The L2 block of the withdrawal. */
  readonly l2Block: bigint;
  /** The batch holding that block, or undefined while none does. */
  readonly batchIndex?: bigint;
  /** Whether that batch is final on L1 (the withdrawal can be finalized). */
  readonly finalized: boolean;
  /** The Merkle proof against the batch's withdrawal root (empty when it is the batch's only withdrawal). */
  readonly proof?: Hex[];
}

/**
 * Everything `Bridge.finalizeWithdrawal` needs for the withdrawal started by an L2 transaction, found the
 * way any user can: the withdrawal from the transaction's logs, its batch from the BatchInbox's
 * `BatchAppended` events on L1, and the proof from all withdrawals of that batch's blocks (L2 `eth_getLogs`).
 * Applications should prefer `@metis/sdk` (`withdrawalStatus`, `finalizeWithdrawal`): it finds the batch without
 * scanning L1 logs, checks the proof against the root on L1 and tells a paid withdrawal apart. This stays here
 * (the sdk depends on this package, not the reverse) for the node's own tests.
 */
export async function proveWithdrawal(input: WithdrawalProofInput): Promise<WithdrawalProof> {
  const receipt = await input.l2.getTransactionReceipt(input.l2TxHash);
  if (!receipt) throw new MetisError('BATCH_INVALID', { index: 'withdrawal', reason: `no L2 receipt for ${input.l2TxHash}` });
  const own = collectWithdrawals(receipt.logs.map(toBlockLog));
  const withdrawal = own[0];
  if (!withdrawal) throw new MetisError('BATCH_INVALID', { index: 'withdrawal', reason: `transaction ${input.l2TxHash} started no withdrawal` });
  const l2Block = BigInt(receipt.blockNumber);
  const hash = withdrawalHash(withdrawal);

  const inbox = new Contract(input.batchInbox, BATCH_INBOX_ABI, input.l1);
  const events = await inbox.queryFilter(inbox.filters.BatchAppended!(input.chainId), input.fromL1Block ?? 0, 'latest');
  const next = (await inbox.getFunction('nextBatchIndex')(input.chainId)) as bigint;
  let batch: { index: bigint; first: bigint; last: bigint } | undefined;
  // The newest appended batch holding the block (removed batches were re-appended with higher log order).
  for (const e of events) {
    const h = (e as unknown as { args: { header: { batchIndex: bigint; firstBlock: bigint; lastBlock: bigint } } }).args.header;
    if (h.batchIndex < next && h.firstBlock <= l2Block && l2Block <= h.lastBlock) batch = { index: h.batchIndex, first: h.firstBlock, last: h.lastBlock };
  }
  if (!batch) return { withdrawal, hash, l2Block, finalized: false };
  const logs = await input.l2.getLogs({ address: MESSAGE_PASSER_ADDRESS, topics: [WITHDRAWAL_INITIATED_TOPIC], fromBlock: batch.first, toBlock: batch.last });
  const all = collectWithdrawals(logs.map(toBlockLog));
  const finalized = (await inbox.getFunction('isFinalized')(input.chainId, batch.index)) as boolean;
  return { withdrawal, hash, l2Block, batchIndex: batch.index, finalized, proof: withdrawalProof(all, withdrawal) };
}

function toBlockLog(log: { address: string; topics: readonly string[]; data: string; index: number }): BlockLog {
  return { address: log.address.toLowerCase() as Hex, topics: log.topics.map((t) => t.toLowerCase() as Hex), data: log.data.toLowerCase() as Hex, txIndex: 0 };
}
