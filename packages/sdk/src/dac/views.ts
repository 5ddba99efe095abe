import { Contract, ZeroAddress, type Provider, type Result } from 'ethers';
import { SdkError, invalidArgument } from '../errors.js';
import { dacTokenInterface, hasDacTokenFactory, vestingWalletInterface } from './contracts.js';
import { DAC_ROLES, roleName, toId } from './inputs.js';
import { paramsFromResult, type DacParams } from './params.js';
import { decodeDacAction, proposalActions, type DecodedDacAction } from './proposals.js';
import { readDac, readFailure } from './read.js';
import { OPEN_COMMITMENT_STATUSES, commitmentStatusName, type CommitmentStatus, type ProposalState } from './status.js';

/** An attribute (soulbound ERC-721) held by a member. */
export interface DacAttributeInfo {
  readonly tokenId: bigint;
  readonly cid: string;
}

export interface DacMemberInfo {
  readonly address: string;
  readonly reputation: bigint;
  /** Role names held ('FOUNDER', 'INVITER'). */
  readonly roles: string[];
  readonly attributes: DacAttributeInfo[];
}

export interface DacInfo {
  readonly id: bigint;
  readonly name: string;
  readonly charterCid: string;
  readonly founder: string;
  /** Unix seconds. */
  readonly createdAt: bigint;
  readonly params: DacParams;
  readonly memberCount: bigint;
  readonly members: DacMemberInfo[];
  readonly totalReputation: bigint;
  /** The treasury's balances: ETH, and the DAC token when it has one. */
  readonly treasury: { readonly eth: bigint; readonly token?: bigint };
  /** The DAC's token, when launched. */
  readonly token?: string;
}

/**
 * The id of a DAC given by id (bigint, number) or name (string). A string that names no DAC but is a decimal
 * number is taken as an id.
 * @throws SdkError NOT_FOUND (no such DAC, no dac() predeploys), INVALID_ARGUMENT
 */
export async function resolveDacId(provider: Provider, dacIdOrName: bigint | number | string): Promise<bigint> {
  let id: bigint;
  if (typeof dacIdOrName === 'string') {
    if (dacIdOrName.trim() === '') throw invalidArgument('a DAC name must not be empty');
    id = await readDac<bigint>(provider, 'registry', 'dacOf', [dacIdOrName.trim()]);
    if (id === 0n && /^\d+$/.test(dacIdOrName.trim())) id = BigInt(dacIdOrName.trim());
    if (id === 0n) throw new SdkError('NOT_FOUND', `no DAC named "${dacIdOrName}"`);
  } else {
    id = toId(dacIdOrName, 'dacId');
  }
  if (!(await readDac<boolean>(provider, 'registry', 'dacExists', [id]))) throw new SdkError('NOT_FOUND', `there is no DAC ${id}`);
  return id;
}

/** The DAC's token, or undefined (none launched, or no token() plugin). */
export async function dacTokenAddress(provider: Provider, dacId: bigint | number | string): Promise<string | undefined> {
  const id = toId(dacId, 'dacId');
  if (!(await hasDacTokenFactory(provider))) return undefined;
  const token = await readDac<string>(provider, 'tokenFactory', 'tokenOf', [id]);
  return token === ZeroAddress ? undefined : token;
}

async function memberInfo(provider: Provider, dacId: bigint, address: string): Promise<DacMemberInfo> {
  const [reputation, tokenIds, ...roleFlags] = await Promise.all([
    readDac<bigint>(provider, 'reputation', 'reputationOf', [dacId, address]),
    readDac<bigint[]>(provider, 'attributes', 'attributesOf', [dacId, address]),
    ...Object.values(DAC_ROLES).map((role) => readDac<boolean>(provider, 'registry', 'hasRole', [dacId, address, role])),
  ]);
  const attributes = await Promise.all(
    [...(tokenIds as bigint[])].map(async (tokenId) => ({ tokenId, cid: (await readDac<Result>(provider, 'attributes', 'attribute', [tokenId])).getValue('cid') as string })),
  );
  const roles = Object.values(DAC_ROLES).filter((_, i) => roleFlags[i]).map(roleName);
  return { address, reputation: reputation as bigint, roles, attributes };
}

/**
 * Everything about one DAC: record, parameters, members with reputation, roles and attributes, treasury, token.
 * @param dacIdOrName an id, or a name (see {@link resolveDacId})
 * @throws SdkError NOT_FOUND (unknown DAC, no dac() predeploys), UNREACHABLE
 */
export async function dacInfo(provider: Provider, dacIdOrName: bigint | number | string): Promise<DacInfo> {
  const id = await resolveDacId(provider, dacIdOrName);
  const [info, params, addresses, totalReputation, eth, token] = await Promise.all([
    readDac<Result>(provider, 'registry', 'info', [id]),
    readDac<Result>(provider, 'registry', 'params', [id]),
    readDac<string[]>(provider, 'registry', 'members', [id]),
    readDac<bigint>(provider, 'reputation', 'totalReputation', [id]),
    readDac<bigint>(provider, 'treasury', 'balanceOf', [id, ZeroAddress]),
    dacTokenAddress(provider, id),
  ]);
  const members = await Promise.all([...addresses].map((a) => memberInfo(provider, id, a)));
  const tokenBalance = token ? await readDac<bigint>(provider, 'treasury', 'balanceOf', [id, token]) : undefined;
  return {
    id,
    name: info.getValue('name') as string,
    charterCid: info.getValue('charterCid') as string,
    founder: info.getValue('founder') as string,
    createdAt: info.getValue('createdAt') as bigint,
    params: paramsFromResult(params),
    memberCount: BigInt(members.length),
    members,
    totalReputation,
    treasury: { eth, ...(tokenBalance === undefined ? {} : { token: tokenBalance }) },
    ...(token ? { token } : {}),
  };
}

export interface CommitmentInfo {
  readonly id: bigint;
  readonly dacId: bigint;
  readonly member: string;
  readonly status: CommitmentStatus | `Unknown(${string})`;
  /** The bond's token; the zero address for ETH. */
  readonly token: string;
  readonly bond: bigint;
  readonly reward: bigint;
  /** Unix seconds; the time fields are 0 until they apply. */
  readonly deadline: bigint;
  readonly challengeEnd: bigint;
  readonly voteEnd: bigint;
  /** The block whose reputations weigh the votes on a challenge (0 unless challenged). */
  readonly snapshot: bigint;
  /** The challenger, once challenged. */
  readonly challenger?: string;
  readonly votesKept: bigint;
  readonly votesFailed: bigint;
  readonly descriptionCid: string;
  /** Once delivered. */
  readonly deliverableCid?: string;
}

function toCommitmentInfo(id: bigint, c: Result): CommitmentInfo {
  const v = <T>(k: string): T => c.getValue(k) as T;
  const challenger = v<string>('challenger');
  const deliverableCid = v<string>('deliverableCid');
  return {
    id,
    dacId: v('dacId'),
    member: v('member'),
    status: commitmentStatusName(v<bigint>('status')),
    token: v('token'),
    bond: v('bond'),
    reward: v('reward'),
    deadline: v('deadline'),
    challengeEnd: v('challengeEnd'),
    voteEnd: v('voteEnd'),
    snapshot: v('snapshot'),
    ...(challenger === ZeroAddress ? {} : { challenger }),
    votesKept: v('votesKept'),
    votesFailed: v('votesFailed'),
    descriptionCid: v('descriptionCid'),
    ...(deliverableCid === '' ? {} : { deliverableCid }),
  };
}

/**
 * Commitment `id`, its status by name.
 * @throws SdkError NOT_FOUND (unknown commitment, no dac() predeploys), INVALID_ARGUMENT
 */
export async function commitmentInfo(provider: Provider, id: bigint | number | string): Promise<CommitmentInfo> {
  const commitmentId = toId(id, 'commitmentId');
  return toCommitmentInfo(commitmentId, await readDac<Result>(provider, 'commitments', 'commitment', [commitmentId]));
}

/**
 * The unresolved commitments (Open, Delivered, Challenged) of DAC `dacId`, oldest first.
 * Scans every commitment id (1..commitmentCount), a few calls per commitment: fine while commitments number in
 * the hundreds; an indexer (Committed/Resolved/Slashed events) should replace it on a busy chain.
 * @throws SdkError INVALID_ARGUMENT, NOT_FOUND (no dac() predeploys)
 */
export async function openCommitments(provider: Provider, dacId: bigint | number | string): Promise<CommitmentInfo[]> {
  const id = toId(dacId, 'dacId');
  const count = await readDac<bigint>(provider, 'commitments', 'commitmentCount');
  const out: CommitmentInfo[] = [];
  const BATCH = 20n;
  for (let start = 1n; start <= count; start += BATCH) {
    const ids: bigint[] = [];
    for (let i = start; i < start + BATCH && i <= count; i++) ids.push(i);
    const batch = await Promise.all(ids.map((i) => readDac<Result>(provider, 'commitments', 'commitment', [i]).then((c) => toCommitmentInfo(i, c))));
    out.push(...batch.filter((c) => c.dacId === id && (OPEN_COMMITMENT_STATUSES as readonly string[]).includes(c.status)));
  }
  return out;
}

export interface ProposalInfo {
  readonly id: bigint;
  readonly dacId: bigint;
  readonly proposer: string;
  readonly state: ProposalState;
  readonly descriptionCid: string;
  readonly snapshot: bigint;
  /** Unix seconds. */
  readonly voteEnd: bigint;
  /** Unix seconds. */
  readonly executableAt: bigint;
  readonly executed: boolean;
  readonly forVotes: bigint;
  readonly againstVotes: bigint;
  readonly quorum: bigint;
  readonly actionsHash: string;
  /** The actions, decoded from ProposalCreated (absent when the node no longer has that log). */
  readonly actions?: DecodedDacAction[];
}

/** A proposal's state at unix time `now` (see ProposalState). */
export function proposalState(p: { executed: boolean; voteEnd: bigint; executableAt: bigint; forVotes: bigint; againstVotes: bigint; quorum: bigint }, now: bigint): ProposalState {
  if (p.executed) return 'Executed';
  if (now <= p.voteEnd) return 'Active';
  const votes = p.forVotes + p.againstVotes;
  if (votes === 0n || votes < p.quorum || p.forVotes <= p.againstVotes) return 'Defeated';
  return now < p.executableAt ? 'Queued' : 'Executable';
}

/**
 * Proposal `id`: record, votes, state (at the latest block's time) and decoded actions.
 * @throws SdkError NOT_FOUND (unknown proposal, no dac() predeploys), INVALID_ARGUMENT
 */
export async function proposalInfo(provider: Provider, id: bigint | number | string): Promise<ProposalInfo> {
  const proposalId = toId(id, 'proposalId');
  const [p, block] = await Promise.all([readDac<Result>(provider, 'proposals', 'proposal', [proposalId]), provider.getBlock('latest')]);
  const v = <T>(k: string): T => p.getValue(k) as T;
  const record = {
    executed: v<boolean>('executed'),
    voteEnd: v<bigint>('voteEnd'),
    executableAt: v<bigint>('executableAt'),
    forVotes: v<bigint>('forVotes'),
    againstVotes: v<bigint>('againstVotes'),
    quorum: v<bigint>('quorum'),
  };
  let actions: DecodedDacAction[] | undefined;
  try {
    actions = (await proposalActions(provider, proposalId)).map(decodeDacAction);
  } catch {
    actions = undefined; // the log is gone: the record is still worth showing
  }
  return {
    id: proposalId,
    dacId: v('dacId'),
    proposer: v('proposer'),
    state: proposalState(record, BigInt(block?.timestamp ?? 0)),
    descriptionCid: v('descriptionCid'),
    snapshot: v('snapshot'),
    ...record,
    actionsHash: v('actionsHash'),
    ...(actions ? { actions } : {}),
  };
}

export interface VestingWalletInfo {
  readonly address: string;
  /** The wallet's owner, who receives the released tokens. */
  readonly beneficiary: string;
  /** Tokens allocated: released so far + still held. */
  readonly amount: bigint;
  readonly released: bigint;
  /** Vested and not released yet (anyone may call `release(token)` on the wallet). */
  readonly releasable: bigint;
  /** Unix seconds. */
  readonly start: bigint;
  /** Seconds. */
  readonly duration: bigint;
}

export interface DacTokenInfo {
  readonly address: string;
  readonly dacId: bigint;
  readonly name: string;
  readonly symbol: string;
  readonly decimals: number;
  readonly cap: bigint;
  readonly totalSupply: bigint;
  readonly vestingWallets: VestingWalletInfo[];
}

async function vestingInfo(provider: Provider, wallet: string, token: string, tokenContract: Contract): Promise<VestingWalletInfo> {
  const w = new Contract(wallet, vestingWalletInterface(), provider);
  const [beneficiary, start, duration, released, releasable, held] = await Promise.all([
    w.getFunction('owner')() as Promise<string>,
    w.getFunction('start')() as Promise<bigint>,
    w.getFunction('duration')() as Promise<bigint>,
    w.getFunction('released')(token) as Promise<bigint>,
    w.getFunction('releasable')(token) as Promise<bigint>,
    tokenContract.getFunction('balanceOf')(wallet) as Promise<bigint>,
  ]);
  return { address: wallet, beneficiary, amount: released + held, released, releasable, start, duration };
}

/**
 * DAC `dacId`'s token: metadata, cap, supply and the vesting wallets created at its launch; null when the DAC
 * has not launched one or the chain has no token() plugin.
 * @throws SdkError INVALID_ARGUMENT, UNREACHABLE
 */
export async function dacTokenInfo(provider: Provider, dacId: bigint | number | string): Promise<DacTokenInfo | null> {
  const id = toId(dacId, 'dacId');
  const address = await dacTokenAddress(provider, id);
  if (!address) return null;
  const token = new Contract(address, dacTokenInterface(), provider);
  try {
    const [name, symbol, decimals, cap, totalSupply, wallets] = await Promise.all([
      token.getFunction('name')() as Promise<string>,
      token.getFunction('symbol')() as Promise<string>,
      token.getFunction('decimals')() as Promise<bigint>,
      token.getFunction('cap')() as Promise<bigint>,
      token.getFunction('totalSupply')() as Promise<bigint>,
      readDac<string[]>(provider, 'tokenFactory', 'vestingWalletsOf', [id]),
    ]);
    const vestingWallets = await Promise.all([...wallets].map((w) => vestingInfo(provider, w, address, token)));
    return { address, dacId: id, name, symbol, decimals: Number(decimals), cap, totalSupply, vestingWallets };
  } catch (e) {
    throw await readFailure(provider, address, e, `DacToken ${address}`);
  }
}

