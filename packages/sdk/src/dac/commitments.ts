import { ZeroAddress, type Provider, type Result, type Signer } from 'ethers';
import { SdkError, invalidArgument } from '../errors.js';
import { toAddress } from '../validate.js';
import { DAC_ADDRESSES, dacInterface, dacTokenInterface } from './contracts.js';
import { providerOf, toCid, toId, toNonNegative, toTokenOrEth, toUnixSeconds } from './inputs.js';
import { readDac } from './read.js';
import { eventArgs, sendDacTx, type DacTxResult } from './send.js';

export interface CommitInput {
  readonly dacId: bigint;
  /** IPFS CID describing the deliverable (1..128 bytes); one open commitment per member and CID. */
  readonly descriptionCid: string;
  /** Unix seconds; must be in the future. */
  readonly deadline: bigint;
  /** Asked from the DAC's treasury when kept (wei, or token units for a token bond); 0 by default. Paid up to the treasury's balance. */
  readonly reward?: bigint;
  /** true: bond (and reward) in the DAC's token, approved first when needed; false/absent: in ETH. */
  readonly token?: boolean;
  /** The bond; the DAC's bondSize by default (a larger bond is accepted). */
  readonly bond?: bigint;
}

export interface CommitResult extends DacTxResult {
  readonly commitmentId: bigint;
  readonly bond: bigint;
  /** The bond's token; the zero address for ETH. */
  readonly token: string;
  readonly deadline: bigint;
  /** The approval sent first (token bonds whose allowance was too low). */
  readonly approveTxHash?: string;
}

/** The DAC's token, or SdkError NOT_FOUND. */
async function dacTokenOf(signer: Signer, dacId: bigint): Promise<string> {
  const token = await readDac<string>(providerOf(signer), 'commitments', 'dacToken', [dacId]);
  if (token === ZeroAddress) throw new SdkError('NOT_FOUND', `DAC ${dacId} has not launched a token (or the chain has no token() plugin): bond in ETH`);
  return token;
}

/**
 * Approves `spender` for `amount` of `token` when the signer's allowance is lower.
 * @returns the approval's transaction hash when one was sent
 * @throws SdkError INSUFFICIENT_FUNDS when the signer holds less than `amount`, TX_FAILED
 */
export async function approveDacToken(signer: Signer, token: string, spender: string, amount: bigint): Promise<string | undefined> {
  const provider = providerOf(signer);
  const iface = dacTokenInterface();
  const owner = await signer.getAddress();
  const read = async (fn: string, args: unknown[]): Promise<bigint> =>
    iface.decodeFunctionResult(fn, await provider.call({ to: token, data: iface.encodeFunctionData(fn, args) }))[0] as bigint;
  const balance = await read('balanceOf', [owner]);
  if (balance < amount) throw new SdkError('INSUFFICIENT_FUNDS', `${owner} holds ${balance} base units of ${token}, ${amount} are needed`);
  if ((await read('allowance', [owner, spender])) >= amount) return undefined;
  const sent = await sendDacTx({ action: 'DacToken.approve', iface, signer, to: token, data: iface.encodeFunctionData('approve', [spender, amount]) });
  return sent.txHash;
}

/**
 * Commits the signer (a member) to the deliverable `descriptionCid` by `deadline`, with a bond of the DAC's
 * bondSize: ETH sent as value, or the DAC's token (`token: true`, approved first).
 * @returns the commitment's id (from Committed) and the transaction(s)
 * @throws SdkError INVALID_ARGUMENT, NOT_FOUND (unknown DAC, no DAC token), INSUFFICIENT_FUNDS (token), TX_FAILED
 *         (NotMember, BondTooSmall, DeadlinePassed, AlreadyCommitted, ...)
 */
export async function commit(signer: Signer, input: CommitInput): Promise<CommitResult> {
  const provider = providerOf(signer);
  const dacId = toId(input?.dacId, 'dacId');
  const descriptionCid = toCid(input.descriptionCid, 'descriptionCid');
  const deadline = toUnixSeconds(input.deadline, 'deadline');
  const reward = toNonNegative(input.reward ?? 0n, 'reward');
  const params = await readDac<Result>(provider, 'registry', 'params', [dacId]);
  const bond = input.bond === undefined ? (params.getValue('bondSize') as bigint) : toNonNegative(input.bond, 'bond');
  const iface = dacInterface('commitments');
  const to = DAC_ADDRESSES.commitments;
  let sent: DacTxResult;
  let token = ZeroAddress;
  let approveTxHash: string | undefined;
  if (input.token) {
    token = await dacTokenOf(signer, dacId);
    approveTxHash = await approveDacToken(signer, token, to, bond);
    sent = await sendDacTx({ action: 'DacCommitments.commitToken', iface, signer, to, data: iface.encodeFunctionData('commitToken', [dacId, descriptionCid, deadline, reward, bond]) });
  } else {
    sent = await sendDacTx({ action: 'DacCommitments.commit', iface, signer, to, data: iface.encodeFunctionData('commit', [dacId, descriptionCid, deadline, reward]), value: bond });
  }
  const commitmentId = eventArgs(sent.receipt, 'commitments', 'Committed').getValue('id') as bigint;
  return { ...sent, commitmentId, bond, token, deadline, ...(approveTxHash ? { approveTxHash } : {}) };
}

/**
 * Delivers commitment `commitmentId` (the signer: its committer, by the deadline): the challenge window opens.
 * @returns the transaction and the end of the challenge window (unix seconds)
 * @throws SdkError INVALID_ARGUMENT, TX_FAILED (WrongStatus, NotCommitter, DeadlinePassed, InvalidCid)
 */
export async function deliver(signer: Signer, input: { readonly commitmentId: bigint; readonly deliverableCid: string }): Promise<DacTxResult & { readonly challengeEnd: bigint }> {
  const id = toId(input?.commitmentId, 'commitmentId');
  const deliverableCid = toCid(input.deliverableCid, 'deliverableCid');
  const iface = dacInterface('commitments');
  const sent = await sendDacTx({ action: 'DacCommitments.deliver', iface, signer, to: DAC_ADDRESSES.commitments, data: iface.encodeFunctionData('deliver', [id, deliverableCid]) });
  return { ...sent, challengeEnd: eventArgs(sent.receipt, 'commitments', 'Delivered').getValue('challengeEnd') as bigint };
}

/**
 * Challenges delivered commitment `commitmentId` (the signer: another member, within the window) with a
 * counter-bond equal to its bond: ETH as value, or the DAC's token (approved first). The vote opens.
 * @returns the transaction(s), the counter-bond and the vote's end (unix seconds)
 * @throws SdkError INVALID_ARGUMENT, NOT_FOUND (unknown commitment), INSUFFICIENT_FUNDS (token), TX_FAILED
 *         (WrongStatus, ChallengeWindowClosed, SelfChallenge, NotMember)
 */
export async function challenge(
  signer: Signer,
  input: { readonly commitmentId: bigint },
): Promise<DacTxResult & { readonly bond: bigint; readonly token: string; readonly voteEnd: bigint; readonly approveTxHash?: string }> {
  const id = toId(input?.commitmentId, 'commitmentId');
  const c = await readDac<Result>(providerOf(signer), 'commitments', 'commitment', [id]);
  const bond = c.getValue('bond') as bigint;
  const token = c.getValue('token') as string;
  const iface = dacInterface('commitments');
  const approveTxHash = token === ZeroAddress ? undefined : await approveDacToken(signer, token, DAC_ADDRESSES.commitments, bond);
  const sent = await sendDacTx({
    action: 'DacCommitments.challenge',
    iface,
    signer,
    to: DAC_ADDRESSES.commitments,
    data: iface.encodeFunctionData('challenge', [id]),
    ...(token === ZeroAddress ? { value: bond } : {}),
  });
  const voteEnd = eventArgs(sent.receipt, 'commitments', 'Challenged').getValue('voteEnd') as bigint;
  return { ...sent, bond, token, voteEnd, ...(approveTxHash ? { approveTxHash } : {}) };
}

/**
 * Votes on challenged commitment `commitmentId` (the signer: a member, once): `kept` true backs the committer,
 * false the challenger. The weight is the voter's reputation at the challenge's snapshot.
 * @throws SdkError INVALID_ARGUMENT, TX_FAILED (NotMember, AlreadyVoted, VoteClosed, NoVotingPower, WrongStatus)
 */
export async function voteOnCommitment(signer: Signer, input: { readonly commitmentId: bigint; readonly kept: boolean }): Promise<DacTxResult & { readonly weight: bigint }> {
  const id = toId(input?.commitmentId, 'commitmentId');
  if (typeof input.kept !== 'boolean') throw invalidArgument(`kept must be true or false, got ${String(input.kept)}`);
  const iface = dacInterface('commitments');
  const sent = await sendDacTx({ action: 'DacCommitments.vote', iface, signer, to: DAC_ADDRESSES.commitments, data: iface.encodeFunctionData('vote', [id, input.kept]) });
  return { ...sent, weight: eventArgs(sent.receipt, 'commitments', 'Voted').getValue('weight') as bigint };
}

/** How a commitment was resolved (DacCommitments.Resolved). */
export interface ResolveResult extends DacTxResult {
  readonly kept: boolean;
  /** The committer when kept, else the challenger. */
  readonly winner: string;
  /** Credited to the winner (withdraw with `withdrawOwed`). */
  readonly toWinner: bigint;
  readonly toTreasury: bigint;
  /** The reward paid from the treasury (kept only). */
  readonly reward: bigint;
}

/**
 * Resolves commitment `commitmentId` (anyone): delivered and unchallenged after the window → kept; challenged
 * after the vote → by the votes (ties favour the committer). Payouts are credited, then withdrawn with `withdrawOwed`.
 * @throws SdkError INVALID_ARGUMENT, TX_FAILED (TooEarly, WrongStatus)
 */
export async function resolveCommitment(signer: Signer, input: { readonly commitmentId: bigint }): Promise<ResolveResult> {
  const id = toId(input?.commitmentId, 'commitmentId');
  const iface = dacInterface('commitments');
  const sent = await sendDacTx({ action: 'DacCommitments.resolve', iface, signer, to: DAC_ADDRESSES.commitments, data: iface.encodeFunctionData('resolve', [id]) });
  const r = eventArgs(sent.receipt, 'commitments', 'Resolved');
  return {
    ...sent,
    kept: r.getValue('kept') as boolean,
    winner: r.getValue('winner') as string,
    toWinner: r.getValue('toWinner') as bigint,
    toTreasury: r.getValue('toTreasury') as bigint,
    reward: r.getValue('reward') as bigint,
  };
}

/**
 * Slashes open commitment `commitmentId` whose deadline passed undelivered (anyone): the bond goes to the DAC's
 * treasury, the committer's reputation drops.
 * @returns the transaction and the bond slashed
 * @throws SdkError INVALID_ARGUMENT, TX_FAILED (DeadlineNotPassed, WrongStatus)
 */
export async function slashCommitment(signer: Signer, input: { readonly commitmentId: bigint }): Promise<DacTxResult & { readonly bond: bigint }> {
  const id = toId(input?.commitmentId, 'commitmentId');
  const iface = dacInterface('commitments');
  const sent = await sendDacTx({ action: 'DacCommitments.slash', iface, signer, to: DAC_ADDRESSES.commitments, data: iface.encodeFunctionData('slash', [id]) });
  return { ...sent, bond: eventArgs(sent.receipt, 'commitments', 'Slashed').getValue('bond') as bigint };
}

/** One pull payment made by {@link withdrawOwed}. */
export interface OwedWithdrawal {
  /** The contract that owed it: returned/won bonds and rewards (`commitments`), proposals' spending (`treasury`). */
  readonly source: 'commitments' | 'treasury';
  /** The zero address for ETH. */
  readonly token: string;
  readonly amount: bigint;
  readonly txHash: string;
}

/**
 * What the DAC contracts owe `account` in `token` (ETH by default), withdrawable with {@link withdrawOwed}:
 * returned and won bonds and rewards (`commitments`), proposals' spending (`treasury`).
 * @throws SdkError INVALID_ARGUMENT, NOT_FOUND (no dac() predeploys)
 */
export async function owedTo(provider: Provider, account: string, token?: string): Promise<{ readonly commitments: bigint; readonly treasury: bigint }> {
  const who = toAddress(account, 'account');
  const t = toTokenOrEth(token);
  const [commitments, treasury] = await Promise.all([readDac<bigint>(provider, 'commitments', 'owed', [who, t]), readDac<bigint>(provider, 'treasury', 'owed', [who, t])]);
  return { commitments, treasury };
}

/**
 * Withdraws everything the commitments and the treasury contracts owe the signer in `token` (ETH by default;
 * `'ETH'`, the zero address or a token address): one transaction per contract that owes something.
 * @returns the withdrawals made (none when nothing is owed) and their total
 * @throws SdkError INVALID_ARGUMENT, NOT_FOUND (no dac() predeploys), TX_FAILED
 */
export async function withdrawOwed(signer: Signer, input: { readonly token?: string } = {}): Promise<{ readonly withdrawals: OwedWithdrawal[]; readonly total: bigint }> {
  const token = toTokenOrEth(input?.token);
  const owed = await owedTo(providerOf(signer), await signer.getAddress(), token);
  const withdrawals: OwedWithdrawal[] = [];
  for (const source of ['commitments', 'treasury'] as const) {
    if (owed[source] === 0n) continue;
    const iface = dacInterface(source);
    const name = source === 'commitments' ? 'DacCommitments' : 'DacTreasury';
    const sent = await sendDacTx({ action: `${name}.withdraw`, iface, signer, to: DAC_ADDRESSES[source], data: iface.encodeFunctionData('withdraw', [token]) });
    withdrawals.push({ source, token, amount: eventArgs(sent.receipt, source, 'Withdrawn').getValue('amount') as bigint, txHash: sent.txHash });
  }
  return { withdrawals, total: withdrawals.reduce((s, w) => s + w.amount, 0n) };
}
