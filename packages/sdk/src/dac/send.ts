import type { Interface, Provider, Result, Signer, TransactionReceipt } from 'ethers';
import { decodeRevert, revertDataOf, type DecodedRevert } from '@metis/l1';
import { SdkError } from '../errors.js';
import { describeFailure } from '../tx.js';
import { COMMITMENT_STATUSES } from './status.js';
import { DAC_ADDRESSES, dacInterface, missingPredeployMessage, type DacContractKey } from './contracts.js';

/** The result of every DAC transaction. */
export interface DacTxResult {
  readonly txHash: string;
  readonly receipt: TransactionReceipt;
}

/**
 * An L2 DAC transaction that was refused or reverted: an SdkError of kind TX_FAILED whose `errorName` is the
 * contract's custom error (`NotMember`, `TooEarly`, ...) when the revert could be decoded.
 */
export class DacTxError extends SdkError {
  constructor(
    message: string,
    /** The call: `DacCommitments.vote`. */
    readonly action: string,
    /** The decoded revert, when the node returned revert data. */
    readonly revert?: DecodedRevert,
    options: { cause?: unknown } = {},
  ) {
    super('TX_FAILED', message, options);
  }
  /** The custom error's name (`NotMember`), when known. */
  get errorName(): string | undefined {
    return this.revert?.name;
  }
}

/** True when `e` is a failed DAC transaction, reverted with custom error `name` when given. */
export function isDacRevert(e: unknown, name?: string): e is DacTxError {
  if (!(e instanceof Error) || e.name !== 'SdkError' || (e as SdkError).kind !== 'TX_FAILED') return false;
  const revert = (e as { revert?: DecodedRevert }).revert;
  return name === undefined ? revert !== undefined : revert?.name === name;
}

const when = (seconds: unknown): string => new Date(Number(seconds as bigint) * 1000).toISOString();

/** Plain words for the DAC errors, after the error's own text. */
const HINTS: Record<string, (args: readonly unknown[]) => string> = {
  UnknownDac: () => 'there is no DAC with this id',
  InvalidName: () => 'the name must be 1 to 128 bytes',
  NameTaken: () => 'a DAC with this name exists already',
  InvalidCid: () => 'the CID must be 1 to 128 bytes',
  InvalidParams: () => 'the parameters are out of range (bond, initial reputation and windows above 0, quorum at most 10000 bps)',
  NotInviter: () => 'only a member with the FOUNDER or INVITER role may invite',
  AlreadyMember: () => 'the account is a member already',
  AlreadyInvited: () => 'the account was invited already',
  NotInvited: () => 'the account was not invited to this DAC',
  NotMember: () => 'the account is not a member of this DAC',
  OnlyProposals: () => 'only an executed proposal of the DAC may do this',
  NotDacProposals: () => 'only an executed proposal of the DAC may do this',
  BondTooSmall: () => "the bond is below the DAC's bondSize",
  DeadlinePassed: (a) => `the deadline (${when(a[0])}) is not in the future`,
  DeadlineNotPassed: (a) => `the commitment may be slashed only after its deadline (${when(a[0])})`,
  AlreadyCommitted: (a) => `the member has an open commitment (id ${String(a[0])}) with this description`,
  NoDacToken: () => 'the DAC has not launched a token',
  UnexpectedValue: () => 'a token-bonded commitment takes no ETH',
  WrongStatus: (a) => `the commitment is ${COMMITMENT_STATUSES[Number(a[1])] ?? String(a[1])}${Number(a[1]) === 0 ? ' (it does not exist)' : ''}, which does not allow this`,
  NotCommitter: () => 'only the member who committed may deliver',
  SelfChallenge: () => 'a member cannot challenge their own commitment',
  ChallengeWindowClosed: (a) => `the challenge window closed at ${when(a[0])}`,
  WrongCounterBond: () => "the counter-bond must equal the commitment's bond",
  VoteClosed: (a) => `the vote closed at ${when(a[0])}`,
  AlreadyVoted: () => 'this account voted already',
  NoVotingPower: () => 'the account had no reputation at the snapshot block (it joined later?)',
  TooEarly: (a) => `not before ${when(a[0])}`,
  NothingOwed: () => 'nothing is owed to this account in that token',
  InsufficientTreasury: () => "the DAC's treasury holds less than that",
  UnknownProposal: () => 'there is no proposal with this id',
  InvalidActions: () => 'a proposal takes 1 to 16 actions',
  UnknownActionKind: () => 'unknown action kind',
  ExecutionTooEarly: (a) => `the proposal is executable from ${when(a[0])}`,
  QuorumNotReached: () => 'too little reputation voted',
  MajorityNotReached: () => 'the proposal did not get more votes for than against',
  AlreadyExecuted: () => 'the proposal was executed already',
  ActionsMismatch: () => "the actions differ from the proposal's",
  TokenAlreadyLaunched: () => 'the DAC has launched its token already',
  ERC20ExceededCap: () => "the mint would exceed the token's cap",
  ERC20InsufficientAllowance: () => 'the contract may not move that much of the token (approve first)',
  ERC20InsufficientBalance: () => 'the account holds less of the token than that',
  Soulbound: () => 'attributes cannot be transferred',
};

/** A failure in one line: `NotMember(1, 0xab..): the account is not a member of this DAC`. */
export function describeDacFailure(e: unknown, iface: Interface): { reason: string; revert?: DecodedRevert } {
  const data = revertDataOf(e);
  if (!data) return describeFailure(e, iface);
  const revert = decodeRevert(data, iface);
  const hint = revert.name ? HINTS[revert.name]?.(revert.args ?? []) : undefined;
  return { reason: hint ? `${revert.text}: ${hint}` : revert.text, revert };
}

export interface SendDacTxInput {
  /** Names the call in errors: `DacCommitments.vote`. */
  readonly action: string;
  readonly iface: Interface;
  readonly signer: Signer;
  readonly to: string;
  readonly data: string;
  readonly value?: bigint;
}

/**
 * Sends one L2 transaction and waits for it: checks that the target has code (a missing predeploy would
 * otherwise take the call as a plain transfer), estimates the gas (reverts are caught here, nothing is sent),
 * adds a margin (reputation checkpoints cost more in a later block than in the estimate's), sends and waits.
 * @throws DacTxError (SdkError TX_FAILED) with the custom error named; SdkError NOT_FOUND for a missing predeploy
 */
export async function sendDacTx(input: SendDacTxInput): Promise<DacTxResult> {
  const provider = input.signer.provider;
  if (!provider) throw new SdkError('INVALID_ARGUMENT', 'signer must be connected to a provider (new Wallet(key, provider))');
  if ((await provider.getCode(input.to)) === '0x') {
    throw new SdkError('NOT_FOUND', missingPredeployMessage(input.to) ?? `no contract at ${input.to}`);
  }
  const tx = { to: input.to, data: input.data, ...(input.value ? { value: input.value } : {}) };
  let hash: string | undefined;
  try {
    const estimate = await input.signer.estimateGas(tx);
    const sent = await input.signer.sendTransaction({ ...tx, gasLimit: (estimate * 5n) / 4n + 50_000n });
    hash = sent.hash;
    const receipt = await sent.wait().catch(async (e: unknown) => {
      throw await withReplayedRevert(e, provider, { ...tx, from: sent.from });
    });
    if (!receipt) throw new Error(`transaction ${sent.hash} was not mined`);
    return { txHash: receipt.hash, receipt };
  } catch (e) {
    const { reason, revert } = describeDacFailure(e, input.iface);
    throw new DacTxError(`L2 transaction ${input.action} failed${hash ? ` (${hash})` : ''}: ${reason}`, input.action, revert, { cause: e });
  }
}

/**
 * A receipt with status 0 carries no revert data. The state may have moved between the estimate and the block
 * (a window closed, someone voted first), so the call is replayed at the transaction's block (its time, and the
 * state it left: the reverted transaction changed nothing) to learn why; the error then carries that revert data.
 * Any failure of the replay keeps the original error.
 */
async function withReplayedRevert(e: unknown, provider: Provider, tx: { to: string; data: string; value?: bigint; from: string }): Promise<unknown> {
  const receipt = (e as { receipt?: { blockNumber?: number } } | undefined)?.receipt;
  if (revertDataOf(e) || typeof receipt?.blockNumber !== 'number') return e;
  try {
    await provider.call({ ...tx, blockTag: receipt.blockNumber });
  } catch (replayed) {
    if (revertDataOf(replayed)) return replayed;
  }
  return e;
}

/**
 * The arguments of the first event `name` emitted by DAC contract `key` in `receipt`.
 * @throws SdkError TX_FAILED when there is none (the transaction did not do what was asked)
 */
export function eventArgs(receipt: TransactionReceipt, key: DacContractKey, name: string): Result {
  const iface = dacInterface(key);
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== DAC_ADDRESSES[key].toLowerCase()) continue;
    const parsed = iface.parseLog(log);
    if (parsed?.name === name) return parsed.args;
  }
  throw new SdkError('TX_FAILED', `transaction ${receipt.hash} emitted no ${name} event of ${DAC_ADDRESSES[key]}`);
}
