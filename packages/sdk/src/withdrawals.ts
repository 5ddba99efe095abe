import { Contract, ZeroAddress, zeroPadValue, type Provider, type Signer, type TransactionReceipt } from 'ethers';
import type { Hex } from '@metis/core';
import { collectWithdrawals, withdrawalHash, WITHDRAWAL_INITIATED_TOPIC, type Withdrawal } from '@metis/l1';
import { erc20Interface, l2BridgeInterface, L2_BRIDGE_ADDRESS, MESSAGE_PASSER_ADDRESS } from './contracts.js';
import { SdkError, invalidArgument } from './errors.js';
import { DEFAULT_MAX_LOG_RANGE, getLogsChunked, toBlockLog } from './logs.js';
import { sendTx } from './tx.js';
import { toAddress, toAmount, toBlockNumber, toTxHash } from './validate.js';

export type { Withdrawal };

/** A withdrawal with where it started on L2. */
export interface L2Withdrawal {
  /** What the L1 Bridge pays: nonce, sender, to, l1Token (zero for ETH), amount (base units). */
  readonly withdrawal: Withdrawal;
  /** keccak256(abi.encode(withdrawal)): its identity on L1 (`Bridge.isWithdrawalFinalized`). */
  readonly hash: Hex;
  /** The L2 block and transaction that started it. */
  readonly l2Block: number;
  readonly l2TxHash: string;
}

export interface WithdrawETHInput {
  /** Signs and pays on L2; must be connected to the L2 provider. */
  readonly l2Signer: Signer;
  /** The L1 recipient; the signer's own address by default. */
  readonly to?: string;
  /** Wei. */
  readonly amount: bigint;
}

export interface WithdrawERC20Input extends WithdrawETHInput {
  /**
   * The bridged L2 token (`l2TokenFor`), whose `amount` is burned, or a registered L2-native token
   * (`mirrorTokenFor`), whose `amount` is escrowed in the L2Bridge (the withdrawal pays its L1 mirror).
   */
  readonly l2Token: string;
  /** Base units of the token. */
  readonly amount: bigint;
}

/** The withdrawal started by an L2 transaction. */
export type WithdrawResult = L2Withdrawal & {
  /** The approval of the L2Bridge sent first (native tokens only, when the allowance was too low). */
  readonly approveTxHash?: string;
};

/** The withdrawals an L2 receipt started, in log order. */
export function withdrawalsOfReceipt(receipt: Pick<TransactionReceipt, 'logs' | 'blockNumber' | 'hash'>): L2Withdrawal[] {
  return collectWithdrawals(receipt.logs.map((l) => toBlockLog(l))).map((withdrawal) => ({
    withdrawal,
    hash: withdrawalHash(withdrawal),
    l2Block: receipt.blockNumber,
    l2TxHash: receipt.hash,
  }));
}

function signerProvider(signer: Signer): Provider {
  if (!signer?.provider) throw invalidArgument('l2Signer must be connected to the L2 provider (new Wallet(key, provider))');
  return signer.provider;
}

function only(receipt: TransactionReceipt): L2Withdrawal {
  const [first] = withdrawalsOfReceipt(receipt);
  if (!first) throw new SdkError('TX_FAILED', `L2 transaction ${receipt.hash} started no withdrawal (no MessagePasser event)`);
  return first;
}

/**
 * Withdraws `amount` wei to `to` on L1: `L2Bridge.withdrawETH(to)`. The ETH leaves the L2 at once; it can be
 * finalized on L1 once the withdrawal's batch is final there (see `withdrawalStatus`, `finalizeWithdrawal`).
 * @throws SdkError INVALID_ARGUMENT, TX_FAILED (refused or reverted, e.g. insufficient funds)
 */
export async function withdrawETH(input: WithdrawETHInput): Promise<WithdrawResult> {
  const amount = toAmount(input.amount);
  signerProvider(input.l2Signer);
  const to = input.to === undefined ? await input.l2Signer.getAddress() : toAddress(input.to, 'to');
  const iface = l2BridgeInterface();
  const receipt = await sendTx({ layer: 'L2', action: 'L2Bridge.withdrawETH', iface, signer: input.l2Signer, to: L2_BRIDGE_ADDRESS, data: iface.encodeFunctionData('withdrawETH', [to]), value: amount });
  return only(receipt);
}

/**
 * Withdraws `amount` of bridged token `l2Token` to `to` on L1: `L2Bridge.withdrawERC20(l2Token, to, amount)`
 * burns it from the signer (no approval needed); the L1 token is paid on finalization. For a registered
 * L2-native token, the L2Bridge is approved for `amount` first when its allowance is lower, the tokens are
 * escrowed, and the withdrawal (of what arrived: fee-on-transfer tokens) mints the L1 mirror on finalization.
 * @throws SdkError INVALID_ARGUMENT, NOT_FOUND (neither a token of the Metis bridge nor a registered native
 *         token), INSUFFICIENT_FUNDS, TX_FAILED (the approval or the withdrawal)
 */
export async function withdrawERC20(input: WithdrawERC20Input): Promise<WithdrawResult> {
  const amount = toAmount(input.amount);
  const l2Token = toAddress(input.l2Token, 'l2Token');
  const provider = signerProvider(input.l2Signer);
  const from = await input.l2Signer.getAddress();
  const to = input.to === undefined ? from : toAddress(input.to, 'to');
  const iface = l2BridgeInterface();
  const bridge = new Contract(L2_BRIDGE_ADDRESS, iface, provider);
  const l1Token = (await bridge.getFunction('l1TokenFor')(l2Token)) as string;
  const mirror = l1Token === ZeroAddress ? ((await bridge.getFunction('mirrorOf')(l2Token)) as string) : ZeroAddress;
  if (l1Token === ZeroAddress && mirror === ZeroAddress) {
    throw new SdkError('NOT_FOUND', `${l2Token} is neither a token of the Metis bridge on this L2 nor a registered native token (L2Bridge.l1TokenFor and mirrorOf are zero; register it with registerL2Token)`);
  }
  const token = new Contract(l2Token, erc20Interface(), provider);
  const balance = (await token.getFunction('balanceOf')(from)) as bigint;
  if (balance < amount) throw new SdkError('INSUFFICIENT_FUNDS', `${from} holds ${balance} base units of ${l2Token}, the withdrawal needs ${amount}`);
  let approveTxHash: string | undefined;
  if (mirror !== ZeroAddress) {
    const allowance = (await token.getFunction('allowance')(from, L2_BRIDGE_ADDRESS)) as bigint;
    if (allowance < amount) {
      const approved = await sendTx({
        layer: 'L2',
        action: 'ERC20.approve',
        iface: erc20Interface(),
        signer: input.l2Signer,
        to: l2Token,
        data: erc20Interface().encodeFunctionData('approve', [L2_BRIDGE_ADDRESS, amount]),
      });
      approveTxHash = approved.hash;
    }
  }
  const receipt = await sendTx({ layer: 'L2', action: 'L2Bridge.withdrawERC20', iface, signer: input.l2Signer, to: L2_BRIDGE_ADDRESS, data: iface.encodeFunctionData('withdrawERC20', [l2Token, to, amount]) });
  return { ...only(receipt), ...(approveTxHash ? { approveTxHash } : {}) };
}

export interface ListWithdrawalsInput {
  readonly l2Provider: Provider;
  /** The L2 account that withdrew. */
  readonly sender: string;
  /** First L2 block to search (default 0). */
  readonly fromBlock?: number;
  /** Last L2 block to search (default: the head). */
  readonly toBlock?: number;
  /** Most L2 blocks per eth_getLogs request (default 10,000). */
  readonly maxLogRange?: number;
}

/**
 * The withdrawals `sender` started, oldest first: the MessagePasser's `WithdrawalInitiated` logs whose
 * indexed sender is `sender`.
 * @throws SdkError INVALID_ARGUMENT; MetisError BATCH_INVALID for a MessagePasser log that does not decode
 */
export async function listWithdrawals(input: ListWithdrawalsInput): Promise<L2Withdrawal[]> {
  const sender = toAddress(input.sender, 'sender');
  const fromBlock = toBlockNumber(input.fromBlock ?? 0, 'fromBlock');
  const toBlock = input.toBlock === undefined ? await input.l2Provider.getBlockNumber() : toBlockNumber(input.toBlock, 'toBlock');
  const topics = [WITHDRAWAL_INITIATED_TOPIC, null, zeroPadValue(sender, 32)];
  const logs = await getLogsChunked(input.l2Provider, { address: MESSAGE_PASSER_ADDRESS, topics }, fromBlock, toBlock, input.maxLogRange ?? DEFAULT_MAX_LOG_RANGE);
  return logs.flatMap((log) =>
    collectWithdrawals([toBlockLog(log)]).map((withdrawal) => ({ withdrawal, hash: withdrawalHash(withdrawal), l2Block: log.blockNumber, l2TxHash: log.transactionHash })),
  );
}

/**
 * The withdrawal L2 transaction `l2TxHash` started (the `index`-th when it started several).
 * @throws SdkError NOT_FOUND when the transaction is unknown (or not mined yet) or started no such withdrawal
 */
export async function withdrawalOfTx(input: { l2Provider: Provider; l2TxHash: string; index?: number }): Promise<L2Withdrawal> {
  const hash = toTxHash(input.l2TxHash, 'l2TxHash');
  const receipt = await input.l2Provider.getTransactionReceipt(hash);
  if (!receipt) throw new SdkError('NOT_FOUND', `no L2 receipt for transaction ${hash} (unknown, or not in a block yet)`);
  const all = withdrawalsOfReceipt(receipt);
  const found = all[input.index ?? 0];
  if (!found) throw new SdkError('NOT_FOUND', `L2 transaction ${hash} started ${all.length === 0 ? 'no withdrawal' : `${all.length} withdrawal(s), not #${input.index}`}`);
  return found;
}
