import { MetisError, type Hex } from '@metis/core';
import { PREDEPLOYS } from '@metis/contracts';
import { ZeroAddress, type Interface, type Result } from 'ethers';
import { contractInterface, DAC_PREDEPLOYS, type DacContractName } from './contracts.js';

/** A read-only call at the committed head (EVM_CALL of the evm plugin, or eth_call in tests). */
export type CallFn = (to: Hex, data: Hex) => Promise<Hex>;

export const COMMITMENT_STATUSES = ['none', 'open', 'delivered', 'challenged', 'kept', 'failed', 'slashed'] as const;
export type CommitmentStatus = (typeof COMMITMENT_STATUSES)[number];
/** Filters of `metis_dacCommitments`: a status, `active` (open, delivered or challenged) or `resolved` (kept, failed or slashed). */
export const COMMITMENT_FILTERS = ['open', 'delivered', 'challenged', 'kept', 'failed', 'slashed', 'active', 'resolved'] as const;
export type CommitmentFilter = (typeof COMMITMENT_FILTERS)[number];

export const PROPOSAL_STATES = ['active', 'defeated', 'queued', 'executable', 'executed'] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];

export interface DacParamsView {
  bondSize: bigint;
  initialReputation: bigint;
  reputationStep: bigint;
  challengeWindow: bigint;
  voteWindow: bigint;
  executionDelay: bigint;
  quorumBps: number;
}

export interface DacInfoView {
  dacId: bigint;
  name: string;
  charterCid: string;
  founder: Hex;
  createdAt: bigint;
}

export interface AttributeView {
  tokenId: bigint;
  cid: string;
}

export interface MemberView {
  address: Hex;
  reputation: bigint;
  attributeCount: number;
  attributes: AttributeView[];
}

export interface CommitmentView {
  id: bigint;
  dacId: bigint;
  member: Hex;
  /** null: the bond is in ETH. */
  token: Hex | null;
  bond: bigint;
  reward: bigint;
  deadline: bigint;
  challengeEnd: bigint;
  voteEnd: bigint;
  snapshot: bigint;
  challenger: Hex | null;
  status: CommitmentStatus;
  votesKept: bigint;
  votesFailed: bigint;
  descriptionCid: string;
  deliverableCid: string;
}

export interface ProposalView {
  id: bigint;
  dacId: bigint;
  proposer: Hex;
  snapshot: bigint;
  voteEnd: bigint;
  executableAt: bigint;
  executed: boolean;
  forVotes: bigint;
  againstVotes: bigint;
  quorum: bigint;
  actionsHash: Hex;
  descriptionCid: string;
  /** At the head's timestamp. */
  state: ProposalState;
}

const addressOf = (name: DacContractName): Hex =>
  (name === 'DacTokenFactory' ? PREDEPLOYS.DAC_TOKEN_FACTORY : DAC_PREDEPLOYS[name as keyof typeof DAC_PREDEPLOYS]) as Hex;

const plugins: Record<string, string> = { DacTokenFactory: 'token' };

/** A revert's custom error, by name, when the contract's ABI knows it. */
function revertName(iface: Interface, e: unknown): { name: string; args: Result } | undefined {
  const data = (e as { data?: unknown }).data;
  if (!(e instanceof MetisError) || e.descriptor.name !== 'RPC_EXECUTION_REVERTED' || typeof data !== 'string') return undefined;
  try {
    const parsed = iface.parseError(data);
    return parsed ? { name: parsed.name, args: parsed.args } : undefined;
  } catch {
    return undefined;
  }
}

const nullable = (a: string): Hex | null => (a === ZeroAddress ? null : (a.toLowerCase() as Hex));

/**
 * Typed reads of the DAC predeploys over a call function. Each read is one call at the committed head; a
 * view made of several reads may straddle a new block (each read is consistent on its own).
 */
export class DacViews {
  constructor(private readonly call: CallFn) {}

  /** Calls `fn` on a predeploy and decodes the result; a missing predeploy is DAC_PREDEPLOY_MISSING. */
  async read(name: DacContractName, fn: string, args: readonly unknown[] = [], to: Hex = addressOf(name)): Promise<Result> {
    const predeploy = name !== 'DacToken';
    return this.readAt(contractInterface(name), name, to, fn, args, predeploy ? plugins[name] ?? 'dac' : undefined);
  }

  /**
   * Calls `fn` of the contract at `to` with `iface`. Empty return data means no code there: DAC_PREDEPLOY_MISSING
   * when `plugin` names the plugin that places it, else DAC_READ_FAILED; a revert with a known custom error is
   * DAC_READ_FAILED naming it; other failures propagate (EVM_CALL's errors).
   */
  async readAt(iface: Interface, name: string, to: Hex, fn: string, args: readonly unknown[] = [], plugin?: string): Promise<Result> {
    const data = iface.encodeFunctionData(fn, args as unknown[]) as Hex;
    let ret: Hex;
    try {
      ret = await this.call(to, data);
    } catch (e) {
      const custom = revertName(iface, e);
      if (custom) throw new MetisError('DAC_READ_FAILED', { what: `${name}.${fn}`, reason: `${custom.name}(${custom.args.map(String).join(', ')})` }, { cause: e });
      throw e;
    }
    if (ret === '0x') {
      if (plugin) throw new MetisError('DAC_PREDEPLOY_MISSING', { contract: name, address: to, plugin });
      throw new MetisError('DAC_READ_FAILED', { what: `${name}.${fn} at ${to}`, reason: 'no contract there' });
    }
    return iface.decodeFunctionResult(fn, ret);
  }

  async dacCount(): Promise<bigint> {
    return (await this.read('DacRegistry', 'dacCount'))[0] as bigint;
  }

  async dacExists(dacId: bigint): Promise<boolean> {
    return (await this.read('DacRegistry', 'dacExists', [dacId]))[0] as boolean;
  }

  /** The id of a DAC by id or name; DAC_NOT_FOUND when there is none. */
  async resolveDac(ref: bigint | string): Promise<bigint> {
    if (typeof ref === 'bigint') {
      if (ref > 0n && (await this.dacExists(ref))) return ref;
      throw new MetisError('DAC_NOT_FOUND', { dac: ref.toString() });
    }
    const id = (await this.read('DacRegistry', 'dacOf', [ref]))[0] as bigint;
    if (id === 0n) throw new MetisError('DAC_NOT_FOUND', { dac: JSON.stringify(ref) });
    return id;
  }

  async info(dacId: bigint): Promise<DacInfoView> {
    const r = (await this.read('DacRegistry', 'info', [dacId]))[0] as Result;
    return { dacId, name: r.name as string, charterCid: r.charterCid as string, founder: (r.founder as string).toLowerCase() as Hex, createdAt: r.createdAt as bigint };
  }

  async params(dacId: bigint): Promise<DacParamsView> {
    const p = (await this.read('DacRegistry', 'params', [dacId]))[0] as Result;
    return {
      bondSize: p.bondSize as bigint,
      initialReputation: p.initialReputation as bigint,
      reputationStep: p.reputationStep as bigint,
      challengeWindow: p.challengeWindow as bigint,
      voteWindow: p.voteWindow as bigint,
      executionDelay: p.executionDelay as bigint,
      quorumBps: Number(p.quorumBps),
    };
  }

  async memberAddresses(dacId: bigint): Promise<Hex[]> {
    const list = (await this.read('DacRegistry', 'members', [dacId]))[0] as Result;
    return [...list].map((a) => (a as string).toLowerCase() as Hex);
  }

  async memberCount(dacId: bigint): Promise<bigint> {
    return (await this.read('DacRegistry', 'memberCount', [dacId]))[0] as bigint;
  }

  async isMember(dacId: bigint, account: Hex): Promise<boolean> {
    return (await this.read('DacRegistry', 'isMember', [dacId, account]))[0] as boolean;
  }

  async isInvited(dacId: bigint, account: Hex): Promise<boolean> {
    return (await this.read('DacRegistry', 'isInvited', [dacId, account]))[0] as boolean;
  }

  async reputationOf(dacId: bigint, account: Hex): Promise<bigint> {
    return (await this.read('DacReputation', 'reputationOf', [dacId, account]))[0] as bigint;
  }

  async totalReputation(dacId: bigint): Promise<bigint> {
    return (await this.read('DacReputation', 'totalReputation', [dacId]))[0] as bigint;
  }

  /** A member's reputation and (up to `maxAttributes`) attributes. */
  async member(dacId: bigint, address: Hex, maxAttributes: number): Promise<MemberView> {
    const [reputation, ids] = await Promise.all([
      this.reputationOf(dacId, address),
      this.read('DacAttributes', 'attributesOf', [dacId, address]).then((r) => [...(r[0] as Result)] as bigint[]),
    ]);
    const attributes = await Promise.all(
      ids.slice(0, maxAttributes).map(async (tokenId) => {
        const a = (await this.read('DacAttributes', 'attribute', [tokenId]))[0] as Result;
        return { tokenId, cid: a.cid as string };
      }),
    );
    return { address, reputation, attributeCount: ids.length, attributes };
  }

  /** The DAC's treasury balance of `token` (null: ETH). */
  async treasuryBalance(dacId: bigint, token: Hex | null): Promise<bigint> {
    return (await this.read('DacTreasury', 'balanceOf', [dacId, token ?? ZeroAddress]))[0] as bigint;
  }

  /** The DAC's token, null when none was launched (or the chain has no token factory). */
  async dacToken(dacId: bigint): Promise<Hex | null> {
    return nullable((await this.read('DacCommitments', 'dacToken', [dacId]))[0] as string);
  }

  async commitmentCount(): Promise<bigint> {
    return (await this.read('DacCommitments', 'commitmentCount'))[0] as bigint;
  }

  /** Commitment `id`, or undefined when there is none. */
  async commitment(id: bigint): Promise<CommitmentView | undefined> {
    let c: Result;
    try {
      c = (await this.read('DacCommitments', 'commitment', [id]))[0] as Result;
    } catch (e) {
      if (e instanceof MetisError && e.descriptor.name === 'DAC_READ_FAILED' && /WrongStatus/.test(e.message)) return undefined;
      throw e;
    }
    const status = COMMITMENT_STATUSES[Number(c.status)] ?? 'none';
    if (status === 'none') return undefined;
    return {
      id,
      dacId: c.dacId as bigint,
      member: (c.member as string).toLowerCase() as Hex,
      token: nullable(c.token as string),
      bond: c.bond as bigint,
      reward: c.reward as bigint,
      deadline: c.deadline as bigint,
      challengeEnd: c.challengeEnd as bigint,
      voteEnd: c.voteEnd as bigint,
      snapshot: c.snapshot as bigint,
      challenger: nullable(c.challenger as string),
      status,
      votesKept: c.votesKept as bigint,
      votesFailed: c.votesFailed as bigint,
      descriptionCid: c.descriptionCid as string,
      deliverableCid: c.deliverableCid as string,
    };
  }

  async proposalCount(): Promise<bigint> {
    return (await this.read('DacProposals', 'proposalCount'))[0] as bigint;
  }

  /** Proposal `id` with its state at `now` (the head's timestamp), or undefined when there is none. */
  async proposal(id: bigint, now: bigint): Promise<ProposalView | undefined> {
    let p: Result;
    try {
      p = (await this.read('DacProposals', 'proposal', [id]))[0] as Result;
    } catch (e) {
      if (e instanceof MetisError && e.descriptor.name === 'DAC_READ_FAILED' && /UnknownProposal/.test(e.message)) return undefined;
      throw e;
    }
    if ((p.proposer as string) === ZeroAddress) return undefined;
    const view = {
      id,
      dacId: p.dacId as bigint,
      proposer: (p.proposer as string).toLowerCase() as Hex,
      snapshot: p.snapshot as bigint,
      voteEnd: p.voteEnd as bigint,
      executableAt: p.executableAt as bigint,
      executed: p.executed as boolean,
      forVotes: p.forVotes as bigint,
      againstVotes: p.againstVotes as bigint,
      quorum: p.quorum as bigint,
      actionsHash: p.actionsHash as Hex,
      descriptionCid: p.descriptionCid as string,
    };
    return { ...view, state: proposalState(view, now) };
  }
}

/** What DacProposals would say at time `now`: votes are taken until `voteEnd`, execution from `executableAt`. */
export function proposalState(p: { executed: boolean; voteEnd: bigint; executableAt: bigint; forVotes: bigint; againstVotes: bigint; quorum: bigint }, now: bigint): ProposalState {
  if (p.executed) return 'executed';
  if (now <= p.voteEnd) return 'active';
  const votes = p.forVotes + p.againstVotes;
  if (votes === 0n || votes < p.quorum || p.forVotes <= p.againstVotes) return 'defeated';
  return now < p.executableAt ? 'queued' : 'executable';
}

/** Whether a commitment status passes a filter. */
export function matchesFilter(status: CommitmentStatus, filter: CommitmentFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (filter === 'active') return status === 'open' || status === 'delivered' || status === 'challenged';
  if (filter === 'resolved') return status === 'kept' || status === 'failed' || status === 'slashed';
  return status === filter;
}
