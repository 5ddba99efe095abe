import { Contract, type Provider, type Signer } from 'ethers';
import { MetisError, isMetisError, type Hex } from '@metis/core';
import { collectWithdrawals, withdrawalProof, withdrawalRoot, WITHDRAWAL_INITIATED_TOPIC, type Withdrawal } from '@metis/l1';
import { batchInboxInterface, bridgeInterface, chainRegistryInterface, MESSAGE_PASSER_ADDRESS, type L1Contracts } from './contracts.js';
import { SdkError, invalidArgument } from './errors.js';
import { DEFAULT_MAX_LOG_RANGE, getLogsChunked, toBlockLog } from './logs.js';
import { sendTx } from './tx.js';
import { toAddress, toBlockNumber, toChainId } from './validate.js';
import { withdrawalOfTx, type L2Withdrawal } from './withdrawals.js';

/**
 * Where a withdrawal stands:
 * - `unsafe`: its L2 block is in no batch on L1 yet.
 * - `safe`: its batch is appended to the BatchInbox; the challenge window is running.
 * - `finalizable`: its batch is final: `finalizeWithdrawal` pays it on L1.
 * - `finalized`: already paid on L1 (`Bridge.isWithdrawalFinalized`).
 */
export type WithdrawalState = 'unsafe' | 'safe' | 'finalizable' | 'finalized';

/** Where an L2 block stands: in no batch yet, in an appended batch, or in a final one. */
export type BatchState = 'unsafe' | 'safe' | 'finalized';

/** What the BatchInbox stores of a batch (`getBatch`). */
export interface StoredBatchView {
  readonly lastBlock: bigint;
  readonly newStateRoot: Hex;
  readonly withdrawalRoot: Hex;
  /** L1 timestamp (seconds) of the append. */
  readonly appendedAt: bigint;
}

/** An appended batch, located. */
export interface BatchInfo {
  readonly index: bigint;
  /** Its L2 blocks: firstBlock..lastBlock. */
  readonly firstBlock: bigint;
  readonly lastBlock: bigint;
  readonly stateRoot: Hex;
  readonly withdrawalRoot: Hex;
  /** L1 timestamp (seconds) it was appended at. */
  readonly appendedAt: bigint;
  /** L1 timestamp (seconds) from which it is final, unless a challenge locks it: appendedAt + challenge window. */
  readonly finalAt: bigint;
  /** Whether the BatchInbox calls it final (`isFinalized`). */
  readonly final: boolean;
}

/**
 * The reads of the L1 settlement contracts a status needs, for one chain. The ethers implementation
 * ({@link settlementReader}) pins every read to one L1 block, so a status is consistent; tests use fakes.
 */
export interface SettlementReader {
  nextBatchIndex(): Promise<bigint>;
  getBatch(index: bigint): Promise<StoredBatchView>;
  isFinalized(index: bigint): Promise<boolean>;
  /** The chain's challenge window in seconds (ChainRegistry). */
  challengeWindow(): Promise<bigint>;
  /** `Bridge.isWithdrawalFinalized`. */
  isWithdrawalFinalized(hash: Hex): Promise<boolean>;
}

/** The withdrawals started in a range of L2 blocks (to rebuild a batch's withdrawal tree). */
export interface WithdrawalSource {
  withdrawalsIn(fromBlock: bigint, toBlock: bigint): Promise<Withdrawal[]>;
}

/**
 * The batch holding L2 block `l2Block`, or undefined while none does: a binary search over the appended
 * batches' `lastBlock` (batches are contiguous from block 1), O(log batches) reads, no L1 log scan.
 */
export async function findBatch(reader: SettlementReader, l2Block: bigint): Promise<BatchInfo | undefined> {
  if (l2Block < 1n) return undefined; // the genesis is in no batch
  const next = await reader.nextBatchIndex();
  if (next === 0n) return undefined;
  const seen = new Map<bigint, StoredBatchView>();
  const batch = async (i: bigint): Promise<StoredBatchView> => {
    let b = seen.get(i);
    if (!b) seen.set(i, (b = await reader.getBatch(i)));
    return b;
  };
  if ((await batch(next - 1n)).lastBlock < l2Block) return undefined;
  let lo = 0n;
  let hi = next - 1n;
  while (lo < hi) {
    const mid = (lo + hi) / 2n;
    if ((await batch(mid)).lastBlock >= l2Block) hi = mid;
    else lo = mid + 1n;
  }
  const found = await batch(lo);
  const firstBlock = lo === 0n ? 1n : (await batch(lo - 1n)).lastBlock + 1n;
  const [final, window] = await Promise.all([reader.isFinalized(lo), reader.challengeWindow()]);
  return {
    index: lo,
    firstBlock,
    lastBlock: found.lastBlock,
    stateRoot: found.newStateRoot,
    withdrawalRoot: found.withdrawalRoot,
    appendedAt: found.appendedAt,
    finalAt: found.appendedAt + window,
    final,
  };
}

/** Where a withdrawal stands, with what `Bridge.finalizeWithdrawal` needs once it is finalizable. */
export interface WithdrawalStatus extends L2Withdrawal {
  readonly status: WithdrawalState;
  /** Its batch (safe and finalizable withdrawals). */
  readonly batch?: BatchInfo;
  readonly batchIndex?: bigint;
  /** Its Merkle proof against the batch's withdrawal root (empty when it is the batch's only withdrawal). */
  readonly proof?: Hex[];
}

/**
 * The status of a located withdrawal, read through `reader` (L1) and `source` (L2). The proof is rebuilt
 * from the batch's withdrawals on L2 and checked against the root the batch carries on L1.
 * @throws MetisError BATCH_INVALID when the L2's withdrawals of the batch do not give the root on L1 (the
 *         L2 endpoint is not the chain settled there) or do not include this withdrawal
 */
export async function statusOf(reader: SettlementReader, source: WithdrawalSource, located: L2Withdrawal): Promise<WithdrawalStatus> {
  if (await reader.isWithdrawalFinalized(located.hash)) return { ...located, status: 'finalized' };
  const batch = await findBatch(reader, BigInt(located.l2Block));
  if (!batch) return { ...located, status: 'unsafe' };
  const all = await source.withdrawalsIn(batch.firstBlock, batch.lastBlock);
  const root = withdrawalRoot(all);
  if (root !== batch.withdrawalRoot.toLowerCase()) {
    throw new MetisError('BATCH_INVALID', {
      index: batch.index,
      reason: `the withdrawals of L2 blocks ${batch.firstBlock}..${batch.lastBlock} give root ${root}, the batch on L1 carries ${batch.withdrawalRoot}: is the L2 endpoint the chain settled on this L1?`,
    });
  }
  const proof = withdrawalProof(all, located.withdrawal);
  return { ...located, status: batch.final ? 'finalizable' : 'safe', batch, batchIndex: batch.index, proof };
}

export interface SettlementInput {
  readonly l1Provider: Provider;
  /** The L1 deployment (`loadDeployment(file)`): batchInbox, bridge and chainRegistry are read. */
  readonly contracts: Pick<L1Contracts, 'batchInbox' | 'bridge' | 'chainRegistry'>;
  /** The L2 chain. */
  readonly chainId: bigint | number;
}

/**
 * The ethers {@link SettlementReader} of chain `chainId`: every read at one L1 block (`blockTag`, or the
 * latest block at the first read).
 */
export function settlementReader(input: SettlementInput & { blockTag?: number }): SettlementReader {
  const chainId = toChainId(input.chainId);
  const inbox = new Contract(toAddress(input.contracts?.batchInbox, 'contracts.batchInbox'), batchInboxInterface(), input.l1Provider);
  const bridge = new Contract(toAddress(input.contracts?.bridge, 'contracts.bridge'), bridgeInterface(), input.l1Provider);
  const registry = new Contract(toAddress(input.contracts?.chainRegistry, 'contracts.chainRegistry'), chainRegistryInterface(), input.l1Provider);
  let pinned: Promise<number> | undefined = input.blockTag === undefined ? undefined : Promise.resolve(input.blockTag);
  const at = async (): Promise<{ blockTag: number }> => ({ blockTag: await (pinned ??= input.l1Provider.getBlockNumber()) });
  let window: Promise<bigint> | undefined;
  return {
    nextBatchIndex: async () => (await inbox.getFunction('nextBatchIndex')(chainId, await at())) as bigint,
    getBatch: async (index) => {
      const b = (await inbox.getFunction('getBatch')(chainId, index, await at())) as { lastBlock: bigint; newStateRoot: string; withdrawalRoot: string; appendedAt: bigint };
      return { lastBlock: b.lastBlock, newStateRoot: b.newStateRoot.toLowerCase() as Hex, withdrawalRoot: b.withdrawalRoot.toLowerCase() as Hex, appendedAt: b.appendedAt };
    },
    isFinalized: async (index) => (await inbox.getFunction('isFinalized')(chainId, index, await at())) as boolean,
    challengeWindow: () =>
      (window ??= (async () => {
        const cfg = (await registry.getFunction('getChain')(chainId, await at())) as { challengeWindow: bigint };
        return cfg.challengeWindow;
      })()),
    isWithdrawalFinalized: async (hash) => (await bridge.getFunction('isWithdrawalFinalized')(chainId, hash, await at())) as boolean,
  };
}

/** The ethers {@link WithdrawalSource}: the MessagePasser's logs of the L2. */
export function l2WithdrawalSource(input: { l2Provider: Provider; maxLogRange?: number }): WithdrawalSource {
  return {
    withdrawalsIn: async (fromBlock, toBlock) => {
      const logs = await getLogsChunked(
        input.l2Provider,
        { address: MESSAGE_PASSER_ADDRESS, topics: [WITHDRAWAL_INITIATED_TOPIC] },
        Number(fromBlock),
        Number(toBlock),
        input.maxLogRange ?? DEFAULT_MAX_LOG_RANGE,
      );
      return collectWithdrawals(logs.map((l) => toBlockLog(l)));
    },
  };
}

/** Where an L2 block stands on L1. */
export interface BatchStatus {
  readonly l2Block: number;
  readonly status: BatchState;
  /** Its batch, once appended. */
  readonly batch?: BatchInfo;
}

/**
 * Where L2 block `l2Block` of chain `chainId` stands on L1: `unsafe` (in no batch yet), `safe` (in an
 * appended batch whose challenge window runs) or `finalized` (its batch is final).
 * @throws SdkError INVALID_ARGUMENT
 */
export async function batchStatus(input: SettlementInput & { l2Block: number | bigint }): Promise<BatchStatus> {
  const l2Block = toBlockNumber(input.l2Block, 'l2Block');
  const batch = await findBatch(settlementReader(input), BigInt(l2Block));
  if (!batch) return { l2Block, status: 'unsafe' };
  return { l2Block, status: batch.final ? 'finalized' : 'safe', batch };
}

/** Which withdrawal: the one an L2 transaction started, or one `listWithdrawals` returned. */
export type WithdrawalRef =
  | { readonly l2TxHash: string; /** The n-th withdrawal of that transaction (default 0). */ readonly index?: number; readonly withdrawal?: undefined }
  | { readonly withdrawal: L2Withdrawal; readonly l2TxHash?: undefined };

export type WithdrawalStatusInput = SettlementInput & { readonly l2Provider: Provider; readonly maxLogRange?: number } & WithdrawalRef;

async function locate(input: { l2Provider: Provider } & WithdrawalRef): Promise<L2Withdrawal> {
  if (input.withdrawal) return input.withdrawal;
  if (input.l2TxHash === undefined) throw invalidArgument('pass l2TxHash (the L2 transaction that withdrew) or withdrawal (from listWithdrawals)');
  return withdrawalOfTx({ l2Provider: input.l2Provider, l2TxHash: input.l2TxHash, ...(input.index === undefined ? {} : { index: input.index }) });
}

/**
 * Where a withdrawal stands (`unsafe` | `safe` | `finalizable` | `finalized`), with its batch and its proof
 * once its batch is appended.
 * @throws SdkError INVALID_ARGUMENT, NOT_FOUND (no such L2 transaction or withdrawal); MetisError BATCH_INVALID
 */
export async function withdrawalStatus(input: WithdrawalStatusInput): Promise<WithdrawalStatus> {
  const reader = settlementReader(input); // validates the contracts and chain id before any request
  return statusOf(reader, l2WithdrawalSource(input), await locate(input));
}

export type FinalizeWithdrawalInput = Omit<WithdrawalStatusInput, 'l1Provider'> & {
  /** Signs and pays on L1 (anyone may finalize; the funds go to the withdrawal's recipient). */
  readonly l1Signer: Signer;
};

/** A withdrawal paid on L1. */
export interface FinalizedWithdrawal extends L2Withdrawal {
  readonly l1TxHash: string;
  readonly l1Block: number;
  readonly batchIndex: bigint;
}

/** The L1's time (its latest block's timestamp, seconds): challenge windows run on it, not on this machine's clock. */
async function l1Now(provider: Provider | null): Promise<number | undefined> {
  try {
    return (await provider?.getBlock('latest'))?.timestamp;
  } catch {
    return undefined;
  }
}

/**
 * The message for a withdrawal that cannot be finalized now.
 * @param nowSeconds the L1's current time (its latest block's timestamp; default this machine's clock)
 */
export function notFinalizableReason(s: Pick<WithdrawalStatus, 'status' | 'batch' | 'withdrawal'>, nowSeconds: number = Math.floor(Date.now() / 1000)): string {
  const which = `withdrawal ${s.withdrawal.nonce}`;
  switch (s.status) {
    case 'unsafe':
      return `${which} is not in a batch on L1 yet (unsafe): wait for its batch to be appended, then for the challenge window`;
    case 'safe': {
      const left = s.batch ? Number(s.batch.finalAt) - nowSeconds : undefined;
      const eta = left === undefined ? '' : left > 0 ? `, final in about ${left} s` : ', final once no challenge holds it';
      return `${which} is in batch ${s.batch?.index} whose challenge window is still running (safe${eta})`;
    }
    case 'finalized':
      return `${which} was already finalized (paid on L1)`;
    default:
      return `${which} is ${s.status}`;
  }
}

/**
 * Proves and finalizes a withdrawal on L1: `Bridge.finalizeWithdrawal(chainId, batchIndex, withdrawal, proof)`;
 * the funds go to the withdrawal's recipient.
 * @throws SdkError NOT_FINALIZABLE (unsafe, safe with the time left, or already finalized: nothing is sent),
 *         INVALID_ARGUMENT, NOT_FOUND; MetisError L1_TX_FAILED, BATCH_INVALID
 */
export async function finalizeWithdrawal(input: FinalizeWithdrawalInput): Promise<FinalizedWithdrawal> {
  const l1Provider = input.l1Signer?.provider;
  if (!l1Provider) throw invalidArgument('l1Signer must be connected to the L1 provider (new Wallet(key, provider))');
  const status = await withdrawalStatus({ ...input, l1Provider } as WithdrawalStatusInput);
  return submitFinalization({ l1Signer: input.l1Signer, contracts: input.contracts, chainId: input.chainId, status });
}

/**
 * Sends `Bridge.finalizeWithdrawal` for a status just read (`withdrawalStatus`): what `finalizeWithdrawal`
 * does after its own status read, for callers that already hold one (the relayer, the CLI).
 * @throws SdkError NOT_FINALIZABLE unless `status.status` is 'finalizable' (nothing is sent), or when the
 *         Bridge says someone finalized it meanwhile; MetisError L1_TX_FAILED
 */
export async function submitFinalization(input: {
  readonly l1Signer: Signer;
  readonly contracts: Pick<L1Contracts, 'bridge'>;
  readonly chainId: bigint | number;
  readonly status: WithdrawalStatus;
}): Promise<FinalizedWithdrawal> {
  const { status } = input;
  const chainId = toChainId(input.chainId);
  const bridge = toAddress(input.contracts?.bridge, 'contracts.bridge');
  if (status.status !== 'finalizable' || status.batchIndex === undefined || !status.proof) {
    throw new SdkError('NOT_FINALIZABLE', notFinalizableReason(status, await l1Now(input.l1Signer.provider)));
  }
  const w = status.withdrawal;
  const iface = bridgeInterface();
  try {
    const receipt = await sendTx({
      layer: 'L1',
      action: 'Bridge.finalizeWithdrawal',
      iface,
      signer: input.l1Signer,
      to: bridge,
      data: iface.encodeFunctionData('finalizeWithdrawal', [chainId, status.batchIndex, [w.nonce, w.sender, w.to, w.l1Token, w.amount], status.proof]),
    });
    return { withdrawal: w, hash: status.hash, l2Block: status.l2Block, l2TxHash: status.l2TxHash, l1TxHash: receipt.hash, l1Block: receipt.blockNumber, batchIndex: status.batchIndex };
  } catch (e) {
    // Someone else finalized it between the status and the transaction.
    if (isMetisError(e, 'L1_TX_FAILED') && (e.data as { errorName?: string } | undefined)?.errorName === 'WithdrawalAlreadyFinalized') {
      throw new SdkError('NOT_FINALIZABLE', notFinalizableReason({ ...status, status: 'finalized' }), { cause: e });
    }
    throw e;
  }
}

/** The chain's registration on L1 (ChainRegistry.getChain). */
export interface ChainInfo {
  readonly chainId: bigint;
  readonly owner: string;
  readonly sequencer: string;
  readonly proposer: string;
  /** Seconds. */
  readonly challengeWindow: bigint;
  /** L1 blocks. */
  readonly inclusionWindow: bigint;
}

/**
 * Chain `chainId` as registered on L1.
 * @throws SdkError NOT_FOUND when no such chain is registered in `contracts.chainRegistry`
 */
export async function chainInfo(input: { l1Provider: Provider; contracts: Pick<L1Contracts, 'chainRegistry'>; chainId: bigint | number }): Promise<ChainInfo> {
  const chainId = toChainId(input.chainId);
  const registry = new Contract(toAddress(input.contracts?.chainRegistry, 'contracts.chainRegistry'), chainRegistryInterface(), input.l1Provider);
  if (!((await registry.getFunction('isRegistered')(chainId)) as boolean)) {
    throw new SdkError('NOT_FOUND', `no chain ${chainId} is registered in the ChainRegistry ${await registry.getAddress()} on this L1`);
  }
  const c = (await registry.getFunction('getChain')(chainId)) as { owner: string; sequencer: string; proposer: string; challengeWindow: bigint; inclusionWindow: bigint };
  return { chainId, owner: c.owner, sequencer: c.sequencer, proposer: c.proposer, challengeWindow: c.challengeWindow, inclusionWindow: c.inclusionWindow };
}
