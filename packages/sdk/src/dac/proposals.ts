import { AbiCoder, toBeHex, zeroPadValue, type Provider, type Result, type Signer } from 'ethers';
import { SdkError, invalidArgument } from '../errors.js';
import { findLastLog } from '../logs.js';
import { toAddress, toAmount } from '../validate.js';
import { DAC_ADDRESSES, dacInterface } from './contracts.js';
import { providerOf, roleName, toCid, toId, toNonNegative, toRole, toTokenOrEth, toUnixSeconds } from './inputs.js';
import { DAC_PARAMS_TUPLE, paramsFromResult, toDacParams, type DacParams } from './params.js';
import { readDac } from './read.js';
import { eventArgs, sendDacTx, type DacTxResult } from './send.js';

/** The action kinds of DacProposals (uint8 on chain). */
export const DAC_ACTION_KINDS = Object.freeze({ setParams: 0, spend: 1, grantAttribute: 2, revokeAttribute: 3, grantRole: 4, revokeRole: 5, mintToken: 6, launchToken: 7 });
export type DacActionName = keyof typeof DAC_ACTION_KINDS;

/** Most actions in one proposal (DacProposals.MAX_ACTIONS). */
export const MAX_PROPOSAL_ACTIONS = 16;

/** One proposal action as DacProposals takes it: its kind and its ABI-encoded arguments. */
export interface DacAction {
  readonly kind: number;
  readonly data: string;
}

/** One vesting allocation of a token launch: an OpenZeppelin VestingWallet releasing `amount` linearly from `start` over `duration` seconds. */
export interface VestingInput {
  readonly beneficiary: string;
  readonly amount: bigint;
  /** Unix seconds. */
  readonly start: bigint;
  /** Seconds (0: everything vests at `start`). */
  readonly duration: bigint;
}

export interface LaunchTokenInput {
  readonly name: string;
  readonly symbol: string;
  /** Most tokens that can ever exist, in base units (18 decimals): 1..2^208-1. */
  readonly cap: bigint;
  /** Initial holders, each minted `amounts[i]`. */
  readonly holders?: readonly string[];
  readonly amounts?: readonly bigint[];
  readonly vesting?: readonly VestingInput[];
}

const coder = AbiCoder.defaultAbiCoder();
const VESTING_TUPLE = 'tuple(address beneficiary,uint256 amount,uint64 start,uint64 duration)[]';
const LAUNCH_TYPES = ['string', 'string', 'uint256', 'address[]', 'uint256[]', VESTING_TUPLE];
const UINT64_MAX = 2n ** 64n - 1n;
const CAP_MAX = 2n ** 208n - 1n;

const action = (name: DacActionName, types: readonly string[], values: readonly unknown[]): DacAction => ({ kind: DAC_ACTION_KINDS[name], data: coder.encode(types, values) });

function toLaunch(input: LaunchTokenInput): [string, string, bigint, string[], bigint[], VestingInput[]] {
  const name = toCid(input?.name, 'name');
  const symbol = toCid(input.symbol, 'symbol');
  const cap = toAmount(input.cap, 'cap');
  if (cap > CAP_MAX) throw invalidArgument(`cap must be at most 2^208-1, got ${cap}`);
  const holders = (input.holders ?? []).map((h, i) => toAddress(h, `holders[${i}]`));
  const amounts = (input.amounts ?? []).map((a, i) => toAmount(a, `amounts[${i}]`));
  if (holders.length !== amounts.length) throw invalidArgument(`holders and amounts must have the same length, got ${holders.length} and ${amounts.length}`);
  const vesting = (input.vesting ?? []).map((v, i) => {
    const duration = toNonNegative(v?.duration, `vesting[${i}].duration`);
    if (duration > UINT64_MAX) throw invalidArgument(`vesting[${i}].duration is too large`);
    return { beneficiary: toAddress(v.beneficiary, `vesting[${i}].beneficiary`), amount: toAmount(v.amount, `vesting[${i}].amount`), start: toUnixSeconds(v.start, `vesting[${i}].start`), duration };
  });
  const total = [...amounts, ...vesting.map((v) => v.amount)].reduce((s, a) => s + a, 0n);
  if (total > cap) throw invalidArgument(`the allocations (${total}) exceed the cap (${cap})`);
  return [name, symbol, cap, holders, amounts, vesting];
}

/**
 * Builders of proposal actions, validated (SdkError INVALID_ARGUMENT) and ABI-encoded as DacProposals decodes them.
 * Addresses of ETH: `token` undefined, `'ETH'` or the zero address.
 */
export const dacActions = Object.freeze({
  /** Replaces the DAC's parameters (every field required). */
  setParams: (params: DacParams): DacAction => action('setParams', [DAC_PARAMS_TUPLE], [toDacParams({}, params)]),
  /** Credits `to` with `amount` of `token` (ETH by default) from the treasury; `to` withdraws it with withdrawOwed. */
  spend: (input: { readonly to: string; readonly amount: bigint; readonly token?: string }): DacAction =>
    action('spend', ['address', 'address', 'uint256'], [toTokenOrEth(input?.token), toAddress(input.to, 'to'), toAmount(input.amount)]),
  /** Grants a soulbound attribute (metadata `cid`) to member `member`. */
  grantAttribute: (input: { readonly member: string; readonly cid: string }): DacAction =>
    action('grantAttribute', ['address', 'string'], [toAddress(input?.member, 'member'), toCid(input.cid, 'cid')]),
  /** Revokes (burns) attribute `tokenId` of the DAC. */
  revokeAttribute: (input: { readonly tokenId: bigint }): DacAction => action('revokeAttribute', ['uint256'], [toId(input?.tokenId, 'tokenId')]),
  /** Grants `role` ('FOUNDER', 'INVITER' or a bytes32 id) to member `account`. */
  grantRole: (input: { readonly account: string; readonly role: string }): DacAction =>
    action('grantRole', ['address', 'bytes32'], [toAddress(input?.account, 'account'), toRole(input.role)]),
  /** Revokes `role` from `account`. */
  revokeRole: (input: { readonly account: string; readonly role: string }): DacAction =>
    action('revokeRole', ['address', 'bytes32'], [toAddress(input?.account, 'account'), toRole(input.role)]),
  /** Mints `amount` of the DAC's token (launched before) to `to`, within its cap. */
  mintToken: (input: { readonly to: string; readonly amount: bigint }): DacAction =>
    action('mintToken', ['address', 'uint256'], [toAddress(input?.to, 'to'), toAmount(input.amount)]),
  /** Launches the DAC's token (once per DAC; needs the token() plugin) with initial holders and vesting wallets. */
  launchToken: (input: LaunchTokenInput): DacAction => action('launchToken', LAUNCH_TYPES, toLaunch(input)),
});

/** A proposal action, decoded for people. */
export type DecodedDacAction =
  | { readonly name: 'setParams'; readonly params: DacParams }
  | { readonly name: 'spend'; readonly token: string; readonly to: string; readonly amount: bigint }
  | { readonly name: 'grantAttribute'; readonly member: string; readonly cid: string }
  | { readonly name: 'revokeAttribute'; readonly tokenId: bigint }
  | { readonly name: 'grantRole' | 'revokeRole'; readonly account: string; readonly role: string }
  | { readonly name: 'mintToken'; readonly to: string; readonly amount: bigint }
  | {
      readonly name: 'launchToken';
      readonly tokenName: string;
      readonly symbol: string;
      readonly cap: bigint;
      readonly holders: string[];
      readonly amounts: bigint[];
      readonly vesting: VestingInput[];
    }
  | { readonly name: 'unknown'; readonly kind: number; readonly data: string };

/** Decodes an action (the inverse of the builders); `unknown` for a kind or data the sdk cannot read. Roles are named when known. */
export function decodeDacAction(a: DacAction): DecodedDacAction {
  try {
    const d = (types: readonly string[]): Result => coder.decode(types, a.data);
    switch (Number(a.kind)) {
      case 0:
        return { name: 'setParams', params: paramsFromResult(d([DAC_PARAMS_TUPLE])[0] as Result) };
      case 1: {
        const [token, to, amount] = d(['address', 'address', 'uint256']);
        return { name: 'spend', token, to, amount };
      }
      case 2: {
        const [member, cid] = d(['address', 'string']);
        return { name: 'grantAttribute', member, cid };
      }
      case 3:
        return { name: 'revokeAttribute', tokenId: d(['uint256'])[0] as bigint };
      case 4:
      case 5: {
        const [account, role] = d(['address', 'bytes32']);
        return { name: Number(a.kind) === 4 ? 'grantRole' : 'revokeRole', account, role: roleName(role as string) };
      }
      case 6: {
        const [to, amount] = d(['address', 'uint256']);
        return { name: 'mintToken', to, amount };
      }
      case 7: {
        const [tokenName, symbol, cap, holders, amounts, vesting] = d(LAUNCH_TYPES);
        return {
          name: 'launchToken',
          tokenName,
          symbol,
          cap,
          holders: [...(holders as string[])],
          amounts: [...(amounts as bigint[])],
          vesting: (vesting as Result[]).map((v) => ({ beneficiary: v[0] as string, amount: v[1] as bigint, start: v[2] as bigint, duration: v[3] as bigint })),
        };
      }
    }
  } catch {
    // undecodable data: reported as unknown below
  }
  return { name: 'unknown', kind: Number(a.kind), data: a.data };
}

function toActions(value: unknown): DacAction[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PROPOSAL_ACTIONS) {
    throw invalidArgument(`actions must be a list of 1 to ${MAX_PROPOSAL_ACTIONS} actions (build them with dacActions)`);
  }
  return value.map((a: Partial<DacAction>, i) => {
    const kind = Number(a?.kind);
    if (!Number.isInteger(kind) || kind < 0 || kind > 7) throw invalidArgument(`actions[${i}].kind must be 0..7, got ${String(a?.kind)}`);
    if (typeof a.data !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(a.data)) throw invalidArgument(`actions[${i}].data must be hex bytes`);
    return { kind, data: a.data };
  });
}

export interface ProposeResult extends DacTxResult {
  readonly proposalId: bigint;
  /** The block whose reputations weigh the votes. */
  readonly snapshot: bigint;
  /** Unix seconds: the last moment to vote. */
  readonly voteEnd: bigint;
  /** Unix seconds: executable from then on, if passed. */
  readonly executableAt: bigint;
  /** The reputation that must vote. */
  readonly quorum: bigint;
}

/**
 * Proposes `actions` (built with {@link dacActions}) for DAC `dacId` (the signer: a member); the vote opens at
 * once, weighted by the reputations of the previous block.
 * @throws SdkError INVALID_ARGUMENT, NOT_FOUND, TX_FAILED (NotMember, InvalidActions, ...)
 */
export async function propose(signer: Signer, input: { readonly dacId: bigint; readonly actions: readonly DacAction[]; readonly descriptionCid: string }): Promise<ProposeResult> {
  const dacId = toId(input?.dacId, 'dacId');
  const actions = toActions(input.actions);
  const descriptionCid = toCid(input.descriptionCid, 'descriptionCid');
  const iface = dacInterface('proposals');
  const sent = await sendDacTx({ action: 'DacProposals.propose', iface, signer, to: DAC_ADDRESSES.proposals, data: iface.encodeFunctionData('propose', [dacId, actions, descriptionCid]) });
  const e = eventArgs(sent.receipt, 'proposals', 'ProposalCreated');
  const get = (k: string): bigint => e.getValue(k) as bigint;
  return { ...sent, proposalId: get('id'), snapshot: get('snapshot'), voteEnd: get('voteEnd'), executableAt: get('executableAt'), quorum: get('quorum') };
}

/**
 * Votes on proposal `proposalId` (the signer: a member, once, before the vote end); the weight is the voter's
 * reputation at the proposal's snapshot.
 * @throws SdkError INVALID_ARGUMENT, TX_FAILED (NotMember, AlreadyVoted, VoteClosed, NoVotingPower, UnknownProposal)
 */
export async function voteOnProposal(signer: Signer, input: { readonly proposalId: bigint; readonly support: boolean }): Promise<DacTxResult & { readonly weight: bigint }> {
  const id = toId(input?.proposalId, 'proposalId');
  if (typeof input.support !== 'boolean') throw invalidArgument(`support must be true or false, got ${String(input.support)}`);
  const iface = dacInterface('proposals');
  const sent = await sendDacTx({ action: 'DacProposals.vote', iface, signer, to: DAC_ADDRESSES.proposals, data: iface.encodeFunctionData('vote', [id, input.support]) });
  return { ...sent, weight: eventArgs(sent.receipt, 'proposals', 'Voted').getValue('weight') as bigint };
}

/**
 * The actions of proposal `proposalId`, from its ProposalCreated event (only their hash is stored): the event is
 * in the block after the proposal's snapshot; other blocks are searched backwards if not (at most `maxRange` per request).
 * @throws SdkError NOT_FOUND (unknown proposal, or its event pruned from the node)
 */
export async function proposalActions(provider: Provider, proposalId: bigint): Promise<DacAction[]> {
  const id = toId(proposalId, 'proposalId');
  const proposal = await readDac<Result>(provider, 'proposals', 'proposal', [id]);
  const iface = dacInterface('proposals');
  const query = { address: DAC_ADDRESSES.proposals, topics: [iface.getEvent('ProposalCreated')!.topicHash, zeroPadValue(toBeHex(id), 32)] };
  const block = Number(proposal.getValue('snapshot') as bigint) + 1;
  let logs = await provider.getLogs({ ...query, fromBlock: block, toBlock: block });
  if (logs.length === 0) {
    const found = await findLastLog(provider, query, await provider.getBlockNumber());
    logs = found ? [found] : [];
  }
  const log = logs[0];
  if (!log) throw new SdkError('NOT_FOUND', `the ProposalCreated event of proposal ${id} was not found (a node without old logs?)`);
  const actions = iface.parseLog(log)!.args.getValue('actions') as Result[];
  return actions.map((a) => ({ kind: Number(a[0] as bigint), data: a[1] as string }));
}

/**
 * Executes proposal `proposalId` (anyone) with its actions read back from ProposalCreated, after the vote end and
 * the execution delay, if it reached the quorum and a strict majority. All actions apply or none.
 * @throws SdkError INVALID_ARGUMENT, NOT_FOUND, TX_FAILED (ExecutionTooEarly, QuorumNotReached, MajorityNotReached,
 *         AlreadyExecuted, or the revert of an action: TokenAlreadyLaunched, InsufficientTreasury, ...)
 */
export async function executeProposal(signer: Signer, input: { readonly proposalId: bigint }): Promise<DacTxResult & { readonly actions: DacAction[] }> {
  const id = toId(input?.proposalId, 'proposalId');
  const actions = await proposalActions(providerOf(signer), id);
  const iface = dacInterface('proposals');
  const sent = await sendDacTx({ action: 'DacProposals.execute', iface, signer, to: DAC_ADDRESSES.proposals, data: iface.encodeFunctionData('execute', [id, actions]) });
  return { ...sent, actions };
}
