import { type Interface, type Signer, type TransactionReceipt } from 'ethers';
import { MetisError } from '@metis/core';
import { decodeRevert, revertDataOf, rpcErrorMessage, type DecodedRevert } from '@metis/l1';
import { SdkError } from './errors.js';

/** Plain words for the reverts users meet most, after the error's own text. */
const HINTS: Record<string, string> = {
  UnknownChain: 'no chain with this id is registered on this L1',
  ZeroAmount: 'the amount must be more than 0',
  UnknownToken: 'this L2 token was not created by the Metis bridge',
  ERC20InsufficientBalance: 'the account holds less of the token than that',
  ERC20InsufficientAllowance: 'the bridge may not move that much of the token (approve first)',
  BatchNotFinalized: "the withdrawal's batch is not final on L1 yet",
  WithdrawalAlreadyFinalized: 'this withdrawal was already paid on L1',
  InvalidProof: "the proof does not match the batch's withdrawal root",
  InsufficientLocked: 'the bridge holds less of this token for the chain than the withdrawal asks',
  NotInitialized: 'the Bridge was deployed without its BatchInbox (a broken deployment)',
  NotAContract: 'there is no token contract at that L1 address',
};

/** A revert or refusal, in one line: `UnknownChain(1338): no chain with this id is registered on this L1`. */
export function describeFailure(e: unknown, iface: Interface): { reason: string; revert?: DecodedRevert } {
  const data = revertDataOf(e);
  if (data) {
    const revert = decodeRevert(data, iface);
    const hint = revert.name ? HINTS[revert.name] : undefined;
    return { reason: hint ? `${revert.text}: ${hint}` : revert.text, revert };
  }
  const code = (e as { code?: unknown }).code;
  if (code === 'INSUFFICIENT_FUNDS') return { reason: 'insufficient funds for the value and the gas' };
  return { reason: rpcErrorMessage(e) };
}

export interface SendTxInput {
  /** 'L1' failures raise MetisError L1_TX_FAILED, 'L2' ones SdkError TX_FAILED. */
  readonly layer: 'L1' | 'L2';
  /** Names the call in errors: `Bridge.depositETH`. */
  readonly action: string;
  /** Decodes the custom errors of a revert. */
  readonly iface: Interface;
  readonly signer: Signer;
  readonly to: string;
  readonly data: string;
  readonly value?: bigint;
}

/**
 * Sends one transaction from `signer` (gas estimated by ethers, so most reverts are caught before anything is
 * broadcast) and waits for it to be mined with status 1.
 * @throws MetisError L1_TX_FAILED (layer L1) or SdkError TX_FAILED (layer L2), with the revert decoded
 */
export async function sendTx(input: SendTxInput): Promise<TransactionReceipt> {
  const fail = (e: unknown, hash?: string): never => {
    const { reason, revert } = describeFailure(e, input.iface);
    if (input.layer === 'L1') {
      throw new MetisError('L1_TX_FAILED', { action: input.action, reason }, { cause: e, data: { action: input.action, hash, revert, errorName: revert?.name } });
    }
    throw new SdkError('TX_FAILED', `L2 transaction ${input.action} failed: ${reason}`, { cause: e });
  };
  let hash: string | undefined;
  try {
    const tx = await input.signer.sendTransaction({ to: input.to, data: input.data, ...(input.value === undefined ? {} : { value: input.value }) });
    hash = tx.hash;
    const receipt = await tx.wait();
    if (!receipt) throw new Error(`transaction ${tx.hash} was not mined`);
    return receipt;
  } catch (e) {
    return fail(e, hash);
  }
}
